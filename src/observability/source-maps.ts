import module from 'node:module';

type SetSourceMapsSupport = (
  enabled: boolean,
  options: { nodeModules: boolean; generatedCode: boolean },
) => void;

/**
 * Stack traces point at the TypeScript sources of the app's own files (dist/ carries their
 * maps), not at the compiled JavaScript. Only our files: `--enable-source-maps` also reads the
 * maps that dependencies ship (TypeORM alone has one per file), ~5 MB of an idle instance for
 * frames that would then name sources the package does not include.
 *
 * Must run before the app's modules are loaded: a module's map is read when it is compiled,
 * and an ES module graph is compiled whole before any of it runs (hence src/main.ts).
 * `module.setSourceMapsSupport` is Node ≥ 22.14; on older Node every file's map is read, and so
 * it is when the build itself sits under a node_modules folder (the test suites' shared build).
 */
export function enableOwnSourceMaps(): void {
  const setSupport = (module as { setSourceMapsSupport?: SetSourceMapsSupport })
    .setSourceMapsSupport;
  const insideNodeModules = import.meta.url.includes('/node_modules/');
  if (setSupport) setSupport(true, { nodeModules: insideNodeModules, generatedCode: false });
  else process.setSourceMapsEnabled(true);
}
