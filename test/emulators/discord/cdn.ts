import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Router } from "express";
import { nextSnowflake } from "./ids.ts";

/**
 * Files people attach to their DMs, and the CDN that hands them out. Since late 2023 Discord's
 * attachment URLs are signed and expire: `<cdn>/attachments/<channel>/<attachment>/<filename>
 * ?ex=<hex unix expiry>&is=<hex unix issue>&hm=<hex signature>&`, valid for about a day, and
 * re-signed whenever the message is read again through the API. A URL with a wrong or expired
 * signature answers 404 "This content is no longer available.", as Discord's CDN does.
 * Discord itself sets no download limit for bots; what people may upload depends on their plan.
 */

/** How long a signed attachment URL works (Discord: 24 hours). */
export const ATTACHMENT_URL_LIFETIME_MS = 24 * 3600_000;

/** A file a scripted user attached to a message. */
export interface StoredAttachment {
  id: string;
  channelId: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** What a scripted user attaches: the bytes and how their client names them. */
export interface AttachmentInput {
  data: Buffer;
  filename: string;
  /** Default: from the file name's extension (mp4, mov, webm, jpg, png), else application/octet-stream. */
  contentType?: string;
}

const CONTENT_TYPES: Record<string, string> = { mp4: "video/mp4", mov: "video/quicktime", webm: "video/webm", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };

/** The attachments and their CDN: signs URLs, serves bytes, counts downloads. */
export class AttachmentCdn {
  readonly attachments = new Map<string, StoredAttachment>();
  /** How many times each attachment (by id) was downloaded. */
  readonly downloads = new Map<string, number>();
  private secret = randomBytes(16);
  /** Filled in once the HTTP server has its URL. */
  base = "";

  /** Stores a user's file in `channelId`. */
  add(channelId: string, input: AttachmentInput): StoredAttachment {
    const extension = input.filename.split(".").at(-1)?.toLowerCase() ?? "";
    const attachment = {
      id: nextSnowflake(),
      filename: input.filename,
      contentType: input.contentType ?? CONTENT_TYPES[extension] ?? "application/octet-stream",
      data: input.data,
      channelId,
    };
    this.attachments.set(attachment.id, attachment);
    return attachment;
  }

  /** A freshly signed URL of the attachment, as a message read now carries it. */
  signedUrl(attachment: StoredAttachment, now = Date.now()): string {
    const path = this.pathOf(attachment);
    const issued = Math.floor(now / 1000).toString(16);
    const expires = Math.floor((now + ATTACHMENT_URL_LIFETIME_MS) / 1000).toString(16);
    return `${this.base}${path}?ex=${expires}&is=${issued}&hm=${this.sign(path, expires, issued)}&`;
  }

  /** Every URL handed out so far stops working (as after a day); messages read again get new ones. */
  expireUrls(): void {
    this.secret = randomBytes(16);
  }

  /** The attachment object of a message, in the shape of the official description's MessageAttachmentResponse. */
  toApiAttachment(attachment: StoredAttachment): Record<string, unknown> {
    const url = this.signedUrl(attachment);
    return {
      id: attachment.id,
      filename: attachment.filename,
      size: attachment.data.length,
      url,
      proxy_url: url.replace("/attachments/", "/proxy/attachments/"),
      content_type: attachment.contentType,
      ...(attachment.contentType.startsWith("video/") || attachment.contentType.startsWith("image/") ? { width: 720, height: 1280 } : {}),
    };
  }

  /** `GET /attachments/:channel/:attachment/:filename` (and the media proxy's copy). */
  routes(): Router {
    const router = Router();
    router.get(["/attachments/:channelId/:attachmentId/:filename", "/proxy/attachments/:channelId/:attachmentId/:filename"], (req, res) => {
      const { channelId, attachmentId, filename } = req.params as Record<string, string>;
      const attachment = this.attachments.get(attachmentId!);
      const path = `/attachments/${channelId}/${attachmentId}/${encodeURIComponent(filename!)}`;
      const { ex, is, hm } = req.query as Record<string, string | undefined>;
      const valid =
        attachment &&
        this.pathOf(attachment) === path &&
        ex && is && hm &&
        Number.parseInt(ex, 16) * 1000 > Date.now() &&
        safeEqual(hm, this.sign(path, ex, is));
      if (!valid) return void res.status(404).type("text/plain").send("This content is no longer available.");
      this.downloads.set(attachment.id, (this.downloads.get(attachment.id) ?? 0) + 1);
      res.status(200).type(attachment.contentType).set("content-length", String(attachment.data.length)).end(attachment.data);
    });
    return router;
  }

  private pathOf(attachment: StoredAttachment): string {
    return `/attachments/${attachment.channelId}/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
  }

  private sign(path: string, expires: string, issued: string): string {
    return createHmac("sha256", this.secret).update(`${path}|${expires}|${issued}`).digest("hex");
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
