/**
 * Splits a command line into words as a POSIX shell would for quoting only: single quotes keep
 * everything, double quotes keep spaces and honour \" and \\, a backslash escapes the next character.
 * No variables, globs or substitutions: the words go to ECS as they are.
 */
export function shellWords(line: string): string[] | { problem: string } {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { problem: 'a single quote is not closed' };
      current += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++;
        current += line[j];
      }
      if (j >= line.length) return { problem: 'a double quote is not closed' };
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** A container command as a workflow writes it: a JSON array of strings, or shell words. */
export function parseCommandInput(raw: string): string[] | { problem: string } {
  if (raw.trim().startsWith('[')) {
    try {
      const value = JSON.parse(raw) as unknown;
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    } catch {
      // reported below
    }
    return { problem: 'a JSON array of strings such as ["npm", "run", "migrate"], or shell words' };
  }
  return shellWords(raw);
}
