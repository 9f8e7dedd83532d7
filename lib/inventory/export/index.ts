/** Inventory exports (pure): no secrets ever; keys and passwords stay in the console. */
export { toAnsibleIni } from "./ansible-ini";
export { toAnsibleYaml } from "./ansible-yaml";
export { toCsv } from "./csv";
export { type ExportFile, type K0sctlExportOptions, k0sctlChunks, toK0sctl } from "./k0sctl";
