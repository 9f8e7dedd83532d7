/**
 * A "billion laughs" YAML: ten anchors a…j, each a list of nine aliases to the one before, so
 * `*j` stands for 9^10 (3.4 billion) scalars in a few hundred bytes. Top-level keys a…j.
 */
export function yamlAliasBomb(): string {
  const names = "abcdefghij";
  return [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    ...names
      .slice(1)
      .split("")
      .map((name, index) => `${name}: &${name} [${Array(9).fill(`*${names[index]}`).join(", ")}]`),
  ].join("\n");
}
