#!/usr/bin/env node
import { buildApp } from '#infra/app.ts';

// The stage comes from `-c stage=dev|prod` (dev by default); an unknown one throws before anything synthesizes.
buildApp().synth();
