/** Splits a script into sentences and spreads them over `duration` seconds in proportion to their length. */
export function spreadSegments(text: string, duration: number): { start: number; end: number; text: string }[] {
  const sentences = text.match(/[^.!?]+[.!?]*/g)?.map((s) => s.trim()).filter(Boolean) ?? [];
  const total = sentences.reduce((sum, s) => sum + s.length, 0) || 1;
  let at = 0;
  return sentences.map((sentence) => {
    const start = at;
    at += (sentence.length / total) * duration;
    return { start: round(start), end: round(at), text: ` ${sentence}` };
  });
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}
