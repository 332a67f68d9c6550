/** The port through which the sign-in tells a person in their chat that Notion is connected. */

/** A database found in the user's workspace, as the chat names it. */
export interface FoundDatabase {
  title: string;
  /** What the user types after /tag to choose it. */
  tag: string;
}

/**
 * How the linking site tells a person in their chat that Notion is connected.
 * The chat core implements it on top of the bots; the site only calls it.
 */
export interface LinkNotifier {
  /** Sends "Connected to <workspace>. Found N databases: ... Choose one with /tag." to the identity's chat. */
  notifyConnected(identityId: string, info: { workspaceName: string; databases: FoundDatabase[] }): Promise<void>;
  /** Says Notion is connected but its search does not list the shared databases yet, and the bot keeps looking. */
  notifyStillLooking(identityId: string, info: { workspaceName: string }): Promise<void>;
}
