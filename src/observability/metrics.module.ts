import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';

/** Serves `/metrics`; the registry and instruments live in metrics.ts, importable anywhere. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
