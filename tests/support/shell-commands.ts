/**
 * Enough of a POSIX shell's word splitting to read the commands of a runbook: `\` line
 * continuations, `#` comments, single and double quotes, `$( … )` substitutions (each its own
 * command), and `;`, `&&`, `||`, `|` between commands. Returns every simple command as its
 * words, quotes removed, a substitution standing as one word `$(…)`.
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  const joined = script.replace(/\\\n/g, " ");
  for (const line of joined.split("\n")) split(line, commands);
  return commands.filter((words) => words.length > 0);
}

/** Leading words of a compound command that are not the command itself. */
const KEYWORDS = new Set(["until", "while", "if", "then", "do", "done", "fi", "else", "!", "["]);

function split(line: string, out: string[][]): void {
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    while (words.length > 0 && KEYWORDS.has(words[0])) words.shift();
    if (words.length > 0) out.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end < 0 ? undefined : end);
      inWord = true;
      i = end < 0 ? line.length : end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line.startsWith("$(", j)) {
          const end = closing(line, j + 2);
          split(line.slice(j + 2, end), out);
          word += "$(…)";
          j = end + 1;
        } else {
          word += line[j] === "\\" && j + 1 < line.length ? line[++j] : line[j];
          j++;
        }
      }
      inWord = true;
      i = j;
    } else if (line.startsWith("$(", i)) {
      const end = closing(line, i + 2);
      split(line.slice(i + 2, end), out);
      word += "$(…)";
      inWord = true;
      i = end;
    } else if (c === "#" && !inWord) {
      break;
    } else if (c === ";" || c === "|" || (c === "&" && line[i + 1] === "&")) {
      if (line[i + 1] === c) i++;
      endCommand();
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
}

/** The index of the `)` closing a `$(` whose content starts at `from`, skipping quoted text and nested parentheses. */
function closing(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      i = end < 0 ? text.length : end;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return text.length;
}
