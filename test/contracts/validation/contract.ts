/**
 * What an emulator hands its contract: one HTTP exchange, and the verdict of the official
 * description on it.
 */

/** A request as the emulator parsed it (path without query, body after its own parsing). */
export interface Exchange {
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** The request's media type, without parameters (e.g. "application/json"). */
  contentType: string | undefined;
  body: unknown;
}

/** What the description says about a request or a response. */
export interface Verdict {
  /** The operation and status it was checked against, e.g. "POST /channels/{channel_id}/messages 200". */
  operation: string;
  /** False when the description has nothing to say (unknown path, undocumented status). */
  described: boolean;
  /** Each way the value breaks the description; empty when it conforms. */
  errors: string[];
}

/** The official description of one service, as the emulators' hook uses it. */
export interface Contract {
  /** The service's name in counts and violations: discord, telegram, openai, notion, vision, gemini. */
  service: string;
  checkRequest(exchange: Exchange): Verdict;
  checkResponse(exchange: Exchange, status: number, body: unknown): Verdict;
}

/** The verdict for something the description does not cover. */
export const undescribed = (operation: string): Verdict => ({ operation, described: false, errors: [] });
