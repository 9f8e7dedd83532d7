import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseCsvInventory } from "@/lib/inventory/import";
import { csvField, readCsvRecords } from "@/lib/inventory/import/csv-records";

const records = (text: string) =>
  readCsvRecords(text).map((r) => [r.line, r.fields, r.error ?? null]);

describe("RFC 4180 records", () => {
  const cases: [string, string, ReturnType<typeof records>][] = [
    [
      "plain, LF",
      "a,b\nc,d\n",
      [
        [1, ["a", "b"], null],
        [2, ["c", "d"], null],
      ],
    ],
    [
      "CRLF and no final newline",
      "a,b\r\nc,d",
      [
        [1, ["a", "b"], null],
        [2, ["c", "d"], null],
      ],
    ],
    ["a quoted comma", 'a,"b,c"\n', [[1, ["a", "b,c"], null]]],
    ["doubled quotes", '"say ""hi""",x\n', [[1, ['say "hi"', "x"], null]]],
    [
      "a line break inside quotes keeps the record's first line",
      'h\n"one\ntwo",x\nnext\n',
      [
        [1, ["h"], null],
        [2, ["one\ntwo", "x"], null],
        [4, ["next"], null],
      ],
    ],
    ["CRLF inside quotes is kept", '"a\r\nb"\r\n', [[1, ["a\r\nb"], null]]],
    ["empty fields and an empty quoted field", 'a,,""\n', [[1, ["a", "", ""], null]]],
    [
      "blank lines are skipped",
      "a\n\n\nb\n",
      [
        [1, ["a"], null],
        [4, ["b"], null],
      ],
    ],
    ["a lone CR is data", "a\rb,c\n", [[1, ["a\rb", "c"], null]]],
    [
      "text after a closing quote",
      '"a"b,c\nd\n',
      [
        [1, ["a"], 'text after a closing quote (write a quote inside quotes as "")'],
        [2, ["d"], null],
      ],
    ],
    [
      "a quote in a bare field",
      'a"b,c\nd\n',
      [
        [1, ['a"b'], "a quote inside an unquoted field (quote the field and double the quote)"],
        [2, ["d"], null],
      ],
    ],
    [
      "an unclosed quote runs to the end",
      'a\n"b,c\nd\n',
      [
        [1, ["a"], null],
        [2, ["b,c\nd\n"], "a quoted field is not closed"],
      ],
    ],
  ];
  for (const [label, text, expected] of cases) {
    test(label, () => assert.deepEqual(records(text), expected));
  }

  test("csvField quotes only when needed and reads back unchanged", () => {
    for (const value of ["plain", "with,comma", 'with "quote"', "multi\nline", " padded ", ""]) {
      const line = `${csvField(value)},end\n`;
      assert.deepEqual(readCsvRecords(line)[0]?.fields, [value, "end"], line);
    }
    assert.equal(csvField("plain"), "plain");
  });
});

describe("CSV inventory", () => {
  test("the header needs an address column; nothing else is read without it", () => {
    const preview = parseCsvInventory("name,role\nn1,worker\n");
    assert.deepEqual(
      preview.rows.map((r) => [r.line, r.errors]),
      [[1, ['the header row needs an "address" column']]],
    );
  });

  test("a repeated header column is an error", () => {
    const preview = parseCsvInventory("address,Address,role\n10.0.0.1,10.0.0.1,worker\n");
    assert.match(preview.rows[0]?.errors[0] ?? "", /twice/);
  });

  test("header cells match without case or separators; BOM and spaces are ignored", () => {
    const preview = parseCsvInventory(
      "\uFEFF Name , IP , Role , Registry_Address \nn1, 10.0.0.1 ,worker, 10.0.0.5:5000\n",
    );
    assert.deepEqual(preview.rows[0]?.node, {
      name: "n1",
      address: "10.0.0.1",
      role: "worker",
      registryAddress: "10.0.0.5:5000",
      auth: null,
    });
  });

  test("too many fields, bad labels and a bad bastion are row errors; the next row still counts", () => {
    const text = [
      "name,address,role,labels,bastion",
      "a,10.0.0.1,worker,,,extra",
      "b,10.0.0.2,worker,novalue,",
      "c,10.0.0.3,worker,,a@b@c",
      "d,10.0.0.4,worker,k=v,admin@[fd00::1]:2222",
    ].join("\n");
    const preview = parseCsvInventory(text);
    assert.deepEqual(
      preview.rows.map((r) => [r.line, r.errors.length > 0]),
      [
        [2, true],
        [3, true],
        [4, true],
        [5, false],
      ],
    );
    assert.match(preview.rows[0]?.errors[0] ?? "", /6 fields, but the header has 5/);
    assert.match(preview.rows[1]?.errors[0] ?? "", /labels: "novalue" is not key=value/);
    assert.match(preview.rows[2]?.errors[0] ?? "", /^bastion:/);
    assert.deepEqual(preview.rows[3]?.node?.bastion, {
      address: "fd00::1",
      port: 2222,
      user: "admin",
    });
  });

  test("a quoted multi-line field reports the next record's line correctly", () => {
    const preview = parseCsvInventory(
      'name,address,role,labels\na,10.0.0.1,worker,"x=1;\ny=2"\nb,bad host,worker,\n',
    );
    assert.deepEqual(preview.rows[0]?.node?.labels, { x: "1", y: "2" });
    assert.equal(preview.rows[1]?.line, 4);
    assert.match(preview.rows[1]?.errors[0] ?? "", /^address:/);
  });
});
