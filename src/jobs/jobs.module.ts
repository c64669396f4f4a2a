import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue.service.js';

/** The job engine, for every module (like the event bus): enqueue anywhere, work where enabled. */
@Global()
@Module({ providers: [JobQueue], exports: [JobQueue] })
export class JobsModule {}
