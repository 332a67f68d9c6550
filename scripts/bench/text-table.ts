/** Lays out rows as a plain-text table with aligned columns (numbers right-aligned). */
export function textTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? "").length)));
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((row) => typeof row[c] === "number" || /^[\d.,\s×%-]+( ?[a-zA-Z/]+)?$/.test(String(row[c]))));
  const line = (row: string[]) =>
    row.map((cell, c) => (numeric[c] && cells.indexOf(row) > 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
