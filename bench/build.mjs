// Compiles bench/**/*.ts to .bench/dist/bench/, beside the app that `nest build -p
// bench/tsconfig.app.json` compiled to .bench/dist/ (a build of the bench's own, so a rebuild of
// dist/ during a run cannot pull files from under it). Transpile only: a second or two, where tsc
// with the redis and socket.io types takes tens of seconds; `npm run typecheck` and `npm run
// lint` check these files with the rest of the project (tsconfig.json includes bench/).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const source = import.meta.dirname;
const out = join(source, '..', '.bench', 'dist', 'bench');

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'results') yield* sources(path);
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      yield path;
  }
}

for (const file of sources(source)) {
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2023,
      verbatimModuleSyntax: false,
      isolatedModules: true,
    },
  });
  if (diagnostics?.length) {
    console.error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})));
    process.exit(1);
  }
  const target = join(out, relative(source, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, outputText);
}
