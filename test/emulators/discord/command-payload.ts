import { z } from "zod";
import { discordIssue, parseFormBody } from "./api-error.ts";

/**
 * Application commands as `PUT /applications/:id/commands` accepts them (bulk overwrite),
 * checked against Discord's naming rules and limits.
 */

/** Option types: 1 sub command, 2 group, 3 string, 4 integer, 5 boolean, 6 user, 7 channel, 8 role, 9 mentionable, 10 number, 11 attachment. */
export const OptionType = { SubCommand: 1, SubCommandGroup: 2, String: 3, Integer: 4, Boolean: 5, Number: 10 } as const;

/** Interaction contexts: where a command can be used. 1 is the bot's DMs. */
export const InteractionContext = { Guild: 0, BotDm: 1, PrivateChannel: 2 } as const;

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

const name = z
  .string()
  .regex(NAME)
  .refine((value) => value === value.toLowerCase(), {
    message: "Command name is invalid",
    params: { discordCode: "APPLICATION_COMMAND_INVALID_NAME" },
  });

const choice = z.looseObject({ name: z.string().min(1).max(100), value: z.union([z.string().max(100), z.number()]) });

interface CommandOptionShape {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string | number }[];
  options?: CommandOptionShape[];
  [key: string]: unknown;
}

const optionSchema: z.ZodType<CommandOptionShape> = z.lazy(() =>
  z
    .looseObject({
      type: z.number().int().min(1).max(11),
      name,
      description: z.string().min(1).max(100),
      required: z.boolean().optional(),
      autocomplete: z.boolean().optional(),
      choices: z.array(choice).max(25).optional(),
      options: z.array(optionSchema).max(25).optional(),
    })
    .superRefine((option, ctx) => {
      const fillable = option.type === 3 || option.type === 4 || option.type === 10;
      if (option.autocomplete && !fillable)
        ctx.addIssue(discordIssue("APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID", "Autocomplete is not supported for this option type", ["autocomplete"]));
      if (option.autocomplete && option.choices?.length)
        ctx.addIssue(discordIssue("APPLICATION_COMMAND_AUTOCOMPLETE_INVALID", "Autocomplete cannot be set with choices", ["autocomplete"]));
      checkOptionList(option.options, ctx);
    }),
);

function checkOptionList(options: CommandOptionShape[] | undefined, ctx: z.RefinementCtx): void {
  if (!options) return;
  const names = new Set<string>();
  let optionalSeen = false;
  options.forEach((option, index) => {
    if (names.has(option.name))
      ctx.addIssue(discordIssue("APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", `Option name ${option.name} is already used in these options`, ["options", index, "name"]));
    names.add(option.name);
    if (option.required && optionalSeen)
      ctx.addIssue(discordIssue("APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options", ["options", index]));
    if (!option.required) optionalSeen = true;
  });
}

const commandSchema = z
  .looseObject({
    type: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(1),
    name: z.string().min(1).max(32),
    description: z.string().max(100).default(""),
    options: z.array(optionSchema).max(25).optional(),
    contexts: z.array(z.number().int().min(0).max(2)).nullish(),
    integration_types: z.array(z.number().int().min(0).max(1)).nullish(),
    dm_permission: z.boolean().nullish(),
    default_member_permissions: z.string().nullish(),
    nsfw: z.boolean().optional(),
  })
  .superRefine((command, ctx) => {
    if (command.type === 1) {
      if (!name.safeParse(command.name).success)
        ctx.addIssue(discordIssue("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid", ["name"]));
      if (command.description.length === 0)
        ctx.addIssue(discordIssue("BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.", ["description"]));
    } else if (command.description.length > 0) {
      ctx.addIssue(discordIssue("APPLICATION_COMMAND_INVALID_DESCRIPTION", "Description must be empty for this command type", ["description"]));
    }
    checkOptionList(command.options, ctx);
  });

const commandListSchema = z.array(commandSchema).max(100).superRefine((commands, ctx) => {
  const seen = new Set<string>();
  commands.forEach((command, index) => {
    const key = `${command.type}:${command.name}`;
    if (seen.has(key))
      ctx.addIssue(discordIssue("APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique", [index, "name"]));
    seen.add(key);
  });
});

/** A command definition as the bot registered it. */
export type CommandDefinition = z.output<typeof commandSchema>;
/** One option of a command definition. */
export type CommandOption = CommandOptionShape;

/** Validates a bulk-overwrite body, throwing the 50035 Discord would answer. */
export function parseCommandList(body: unknown): CommandDefinition[] {
  return parseFormBody(commandListSchema, body);
}
