#!/usr/bin/env node
// Part of `npm run build`, after tsc: validates the bundled prices/prices.yaml and writes its
// entries to dist/src/prices/bundled-prices.json, which the preload reads at start-up instead of
// parsing YAML (see src/prices/bundled.ts). A price file that does not validate fails the build.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist', 'src', 'prices');
const { bundledPriceFilePath, readPriceFile } = require(path.join(dist, 'price-book.js'));
const { BUNDLED_JSON } = require(path.join(dist, 'bundled.js'));

const yamlFile = bundledPriceFilePath();
const models = readPriceFile(yamlFile);
writeFileSync(BUNDLED_JSON, `${JSON.stringify({ yamlText: readFileSync(yamlFile, 'utf8'), models })}\n`);
