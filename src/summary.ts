/**
 * The contract between the Notion room (which derives the schema from a data source's
 * properties and turns the answer back into page properties) and the AI room (which asks
 * Gemini to fill it). Neither imports the other; both import this.
 */

/** The subset of OpenAPI 3.0 schema objects Gemini's `responseSchema` accepts. */
export interface SummarySchema {
  type: "STRING" | "NUMBER" | "INTEGER" | "BOOLEAN" | "ARRAY" | "OBJECT";
  description?: string;
  format?: string;
  nullable?: boolean;
  enum?: string[];
  items?: SummarySchema;
  properties?: Record<string, SummarySchema>;
  required?: string[];
  propertyOrdering?: string[];
  minItems?: number;
  maxItems?: number;
}

/** Everything about the video the summariser may draw from. */
export interface SummaryInput {
  sourceUrl: string;
  title?: string;
  caption?: string;
  uploader?: string;
  hashtags: string[];
  transcript: string;
  onScreenText: string;
  /** Human description of each property to fill: name, kind, options, description. */
  propertyGuide: string;
  /** The language (its English name) the person chose for summaries; without it, the video's own. */
  language?: string;
  /** The language transcription detected in the speech (whisper's name or code), followed when none was chosen. */
  spokenLanguage?: string;
}

/**
 * What the summariser returns: `summary` and `keyPoints` for the page body, and
 * `properties` keyed by Notion property name, shaped by the schema's `properties.properties`.
 */
export interface Summary {
  title: string;
  summary: string;
  keyPoints: string[];
  properties: Record<string, unknown>;
  /** Set when the model wrote no summary: why, so the page can say it (the rest of the page stands). */
  missing?: SummaryMissing;
}

/**
 * Why a page has no model summary: Gemini refused what the video shows or says (`blocked`), or
 * to repeat protected text (`recitation`), gave no usable answer (`unusable`), or no Gemini key
 * is configured (`not_configured`), or Gemini stayed unreachable through the job's last attempt (`unavailable`).
 */
export type SummaryMissing = "blocked" | "recitation" | "unusable" | "not_configured" | "unavailable";
