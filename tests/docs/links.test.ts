import * as fs from "fs";
import * as path from "path";

/** Every relative link of the README and docs/ leads to a file that exists, and to a heading that exists there. */
const ROOT = path.resolve(__dirname, "../..");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

function anchorsOf(text: string): Set<string> {
  const withoutCode = text.replace(/```[\s\S]*?```/g, "");
  return new Set([...withoutCode.matchAll(/^#{1,6} (.*)$/gm)].map((m) => anchorOf(m[1])));
}

/** The relative links of a Markdown text (outside code), as [target, anchor]. */
export function relativeLinks(text: string): [string, string | undefined][] {
  const withoutCode = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => {
      const [file, anchor] = target.split("#");
      return [file, anchor];
    });
}

function problems(doc: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
  return relativeLinks(text).flatMap(([file, anchor]) => {
    const target = file ? path.join(path.dirname(path.join(ROOT, doc)), file) : path.join(ROOT, doc);
    if (!fs.existsSync(target)) return [`${doc}: ${file} does not exist`];
    if (anchor && target.endsWith(".md") && !anchorsOf(fs.readFileSync(target, "utf8")).has(anchor)) return [`${doc}: ${file || doc} has no heading #${anchor}`];
    return [];
  });
}

describe("links in the README and docs/", () => {
  it.each(DOCS)("%s links only to files and headings that exist", (doc) => {
    expect(problems(doc)).toEqual([]);
  });

  it("finds relative links, with or without a heading, and leaves web links and code alone", () => {
    expect(relativeLinks("[a](docs/RUNBOOK.md) [b](DEVELOPMENT.md#adding-a-policy-rule) [c](https://x.org/y) `[d](nope.md)` [e](#speed)")).toEqual([
      ["docs/RUNBOOK.md", undefined],
      ["DEVELOPMENT.md", "adding-a-policy-rule"],
      ["", "speed"],
    ]);
    expect(anchorOf("Adding a policy rule")).toBe("adding-a-policy-rule");
    expect(anchorOf("The GitOps tree (`charts/`, `npm run synth`)")).toBe("the-gitops-tree-charts-npm-run-synth");
  });
});
