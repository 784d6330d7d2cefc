/** Start-up progress lines, on stderr so they never mix with JSON logs on stdout. */
export type Progress = (line: string) => void;

export const printProgress: Progress = (line) => process.stderr.write(`[hookflow] ${line}\n`);
