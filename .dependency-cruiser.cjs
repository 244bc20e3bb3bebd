/**
 * The layering of src/ (see ARCHITECTURE.md), checked by `npm run lint:layers` (part of `npm test`).
 * Each rule names the arrow it forbids and why; a violation fails the run with the file and line.
 */
const ALL_BUT = (...keep) => `^src/(?!(${keep.join('|')})(/|\\.ts))`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules form no cycle (type-only imports included), so each layer can be read and tested on its own.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'model-is-a-leaf',
      severity: 'error',
      comment: 'src/model holds plain shared records: it depends on nothing else of ours.',
      from: { path: '^src/model/' },
      to: { path: ALL_BUT('model') },
    },
    {
      name: 'net-and-text-are-leaves',
      severity: 'error',
      comment: 'Address helpers and the display sanitizer are used everywhere and depend on nothing else of ours.',
      from: { path: '^src/(net|text)/' },
      to: { path: ALL_BUT('net', 'text') },
    },
    {
      name: 'filter-is-a-leaf',
      severity: 'error',
      comment: 'The filter language runs in the UI and in the engine (the feed filter): it depends on shared records and address helpers only.',
      from: { path: '^src/filter/' },
      to: { path: ALL_BUT('filter', 'model', 'net', 'text') },
    },
    {
      name: 'platform-stays-down',
      severity: 'error',
      comment: 'src/platform is OS access only: it never reaches into the engine, the UI, config or the parts built on it.',
      from: { path: '^src/platform/' },
      to: { path: ALL_BUT('platform', 'model', 'net', 'text') },
    },
    {
      name: 'fleet-is-a-client',
      severity: 'error',
      comment: 'src/fleet talks to the CrowdSec Local API and keeps its decisions over plain records; the assembly wires it to the block manager and the sinks.',
      from: { path: '^src/fleet/' },
      to: { path: ALL_BUT('fleet', 'model', 'net', 'text') },
    },
    {
      name: 'ui-through-protocol',
      severity: 'error',
      comment: 'The UI reaches the engine only through its messages (engine/protocol.ts) and the shared records; the engine runs in another process.',
      from: { path: '^src/ui/' },
      to: { path: '^src/(engine/(?!protocol\\.ts$)|response|store|enrich|sinks|fleet|host|headless|cli|reports)' },
    },
    {
      name: 'ui-platform-only-privileges',
      severity: 'error',
      comment: 'The UI process touches the OS only to drop root.',
      from: { path: '^src/ui/' },
      to: { path: '^src/platform/(?!privileges/)' },
    },
    {
      name: 'detectors-are-pure',
      severity: 'error',
      comment: 'Detectors are logic over decoded packets with packet time as their clock: no OS access, no outputs, no response.',
      from: { path: '^src/engine/(detectors|decode|flows|alerts|logs)/' },
      to: { path: '^src/(platform|host|sinks|store|response|ui|headless|cli|reports)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'packet-path-knows-no-assembly',
      severity: 'error',
      comment: 'Only the assembly (engine/assemble) and the process entry points put a run together; the packet path never imports them.',
      from: { path: '^src/engine/(?!assemble/|engine-process\\.ts$|engine-commands\\.ts$)' },
      to: { path: '^src/(engine/assemble/|host/|headless/|cli)' },
    },
    {
      name: 'sinks-take-events',
      severity: 'error',
      comment: 'Outputs receive records; they never reach into the engine, the response side or the UI.',
      from: { path: '^src/sinks/' },
      to: { path: '^src/(engine|response|ui|host|headless|cli)/' },
    },
    {
      name: 'side-parts-below-engine',
      severity: 'error',
      comment: 'response, store and enrich are used by the engine, the CLI and the reports: they never import the engine runtime, the UI or the entry points.',
      from: { path: '^src/(response|store|enrich)/' },
      to: { path: '^src/(engine/(?!decode/packet\\.ts$)|ui|headless|cli|sinks|reports)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'reports-without-engine',
      severity: 'error',
      comment: 'Reports read the history; they never load the engine or the UI.',
      from: { path: '^src/reports/' },
      to: { path: '^src/(engine|ui|response|host|headless)/' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'Every module is used (entry points excepted).',
      from: { orphan: true, path: '^src/', pathNot: ['^src/cli\\.ts$', '^src/cli/main\\.ts$', '^src/engine/engine-process\\.ts$', '\\.d\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
