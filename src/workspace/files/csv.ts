import { WorkspaceDataError } from './format';

/** One CSV record and the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * RFC 4180 CSV, as the Log Analytics portal exports it: comma-separated, fields in double quotes
 * when they hold commas, quotes ("" inside) or line breaks. Errors name the file and line.
 */
export function parseCsv(file: string, text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < body.length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (body[i] === '"') {
        i++;
        for (;;) {
          if (i >= body.length) throw new WorkspaceDataError(file, start, 'a quoted field is not closed');
          const c = body[i] as string;
          if (c === '"') {
            if (body[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        if (i < body.length && body[i] !== ',' && body[i] !== '\n' && body[i] !== '\r') {
          throw new WorkspaceDataError(file, line, `column ${cells.length + 1}: text after a closing quote`);
        }
      } else {
        while (i < body.length && body[i] !== ',' && body[i] !== '\n' && body[i] !== '\r') {
          if (body[i] === '"') throw new WorkspaceDataError(file, line, `column ${cells.length + 1}: a quote inside an unquoted field`);
          cell += body[i];
          i++;
        }
      }
      cells.push(cell);
      if (body[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (body[i] === '\r') i++;
    if (body[i] === '\n') i++;
    line++;
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
  }
  return records;
}
