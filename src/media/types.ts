import type { ProbeResult } from "./ffmpeg.ts";

/** What the rest of the pipeline knows about a downloaded post; every shape here is JSON-serialisable. */

/** Post metadata from yt-dlp, stored in job checkpoints. */
export interface VideoMetadata {
  title?: string;
  caption?: string;
  uploader?: string;
  durationSeconds?: number;
  thumbnailUrl?: string;
  /** Hashtags without the leading `#`, in caption order, then the post's tags; no repeats (case-insensitive). */
  hashtags: string[];
  /** `YYYY-MM-DD`. */
  uploadDate?: string;
  /** The post page yt-dlp resolved (short links end up here as full links). */
  webpageUrl: string;
  /** A photo post (TikTok slideshow): `imagePaths` hold the pictures and `audioPath` its soundtrack. */
  isSlideshow: boolean;
}

/** A post's files in its job's work folder. */
export interface DownloadedMedia {
  workDir: string;
  videoPath?: string;
  /** Slideshow pictures in post order; empty for videos. */
  imagePaths: string[];
  /** A slideshow's (or audio-only post's) soundtrack; videos carry their audio in `videoPath`. */
  audioPath?: string;
  metadata: VideoMetadata;
  /**
   * A post of several items (an Instagram carousel): each item in post order, in a folder of its
   * own; a picture item is a one-picture slideshow without sound. The post's own paths stay empty.
   */
  items?: DownloadedMedia[];
  /** What ffprobe said about `videoPath` (or `audioPath`) when the download was checked: not asked again. */
  probed?: ProbeResult;
}

/** One piece of the transcription audio, in order. */
export interface AudioChunk {
  path: string;
  startSeconds: number;
  durationSeconds: number;
}

/** One distinct picture for OCR; for slideshows `timeSeconds` is the slide's index. */
export interface Frame {
  path: string;
  timeSeconds: number;
  /** The carousel item (0-based) it comes from; absent for a post of one item. */
  item?: number;
}

/** Everything the pipeline does with media, behind one small interface (tests can replace it). */
export interface MediaTools {
  /** A fresh folder for one job's files. */
  createWorkDir(jobId: string): Promise<string>;
  /** Downloads a TikTok/Instagram post into `workDir`, enforcing the size, length and time limits. */
  download(url: string, workDir: string, signal?: AbortSignal): Promise<DownloadedMedia>;
  /** A video the person sent as a file, already in `workDir`: checked against the length limit and read like a download. */
  openSentVideo(file: string, workDir: string): Promise<DownloadedMedia>;
  /** Mono 16 kHz mp3 chunks for transcription (a carousel's video items in post order); [] when the post has no audio. */
  extractAudio(media: DownloadedMedia): Promise<AudioChunk[]>;
  /** Distinct frames (scene changes, near-duplicates dropped); slideshow images become the frames; a carousel's items in post order. */
  extractFrames(media: DownloadedMedia): Promise<Frame[]>;
  /**
   * What the pipeline needs of a post in one go: the audio chunks and/or the frames, as the two
   * methods above give them, reading a single video once for both.
   */
  extract(media: DownloadedMedia, wanted: { audio: boolean; frames: boolean }): Promise<{ chunks: AudioChunk[]; frames: Frame[] }>;
  /** Removes a job's folder; fine to call twice. */
  removeWorkDir(dir: string): Promise<void>;
  /** Removes folders left by crashed processes; returns how many. Safe with several workers per machine. */
  sweepStaleWorkDirs(): Promise<number>;
}
