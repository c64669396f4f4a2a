#!/usr/bin/env node
// Every link in the repository's Markdown must resolve inside the repository: a clone is all a
// reader has (no sibling folders, and outside pages move). Checks inline links, reference
// definitions and HTML href/src in each tracked *.md file, outside fenced code blocks:
//   - a relative path must name a tracked file or folder inside the repository;
//   - a #fragment must name a heading of the target file (GitHub's slugs);
//   - any other scheme (https:, mailto:, …) is refused.
// Exit 0 when all resolve, 1 with one line per broken link.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter(Boolean);
const trackedSet = new Set(tracked);
const trackedDirs = new Set(tracked.flatMap((f) => parents(f)));
const markdown = tracked.filter((f) => f.endsWith('.md'));

function parents(file) {
  const out = [];
  for (let dir = dirname(file); dir !== '.'; dir = dirname(dir)) out.push(dir);
  return out;
}

/** The text without fenced code blocks and inline code (links there are examples, not links). */
function prose(text) {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1 for repeats. */
function anchorsOf(text) {
  const seen = new Map();
  const anchors = new Set();
  for (const line of prose(text).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .replace(/<[^>]+>/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(id);
  return anchors;
}

const anchorCache = new Map();
function anchorsOfFile(file) {
  if (!anchorCache.has(file))
    anchorCache.set(file, anchorsOf(readFileSync(join(root, file), 'utf8')));
  return anchorCache.get(file);
}

function targetsIn(text) {
  const clean = prose(text);
  const found = [];
  const lineOf = (index) => clean.slice(0, index).split('\n').length;
  for (const m of clean.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    found.push({ target: m[1], line: lineOf(m.index) });
  for (const m of clean.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm))
    found.push({ target: m[1], line: lineOf(m.index) });
  for (const m of clean.matchAll(/\b(?:href|src)="([^"]+)"/g))
    found.push({ target: m[1], line: lineOf(m.index) });
  return found;
}

function problemWith(file, target) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return 'points outside the repository';
  const [pathPart, fragment] = target.split('#', 2);
  let resolved = file;
  if (pathPart !== '') {
    const absolute = normalize(join(root, dirname(file), decodeURIComponent(pathPart)));
    resolved = relative(root, absolute).replace(/\/$/, '');
    if (resolved.startsWith('..') || resolved === '') return 'points outside the repository';
    if (!trackedSet.has(resolved) && !trackedDirs.has(resolved)) {
      return existsSync(absolute) ? 'names a file git does not track' : 'names no file';
    }
  }
  if (fragment !== undefined && resolved.endsWith('.md')) {
    if (!anchorsOfFile(resolved).has(fragment.toLowerCase())) return `has no heading #${fragment}`;
  }
  return undefined;
}

const broken = [];
for (const file of markdown) {
  for (const { target, line } of targetsIn(readFileSync(join(root, file), 'utf8'))) {
    const problem = problemWith(file, target);
    if (problem) broken.push(`${file}:${line}: ${target} ${problem}`);
  }
}
if (broken.length > 0) {
  console.error(`${broken.length} Markdown link(s) do not resolve inside the repository:`);
  for (const line of broken) console.error(`  ${line}`);
  process.exit(1);
}
console.log(
  `links: every link in ${markdown.length} Markdown files resolves inside the repository`,
);
