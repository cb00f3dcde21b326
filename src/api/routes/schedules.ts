/** Daily pipeline schedules over HTTP. */
import { Router } from 'express';
import { z } from 'zod';
import { DEFAULT_REQUEST_BOUNDS, type RequestBounds } from '../../pipeline/bounds';
import {
  backfillSchema,
  createScheduleSchemaFor,
  type PipelineSchedules,
} from '../../schedules/pipeline-schedules';
import { errorNamed, HttpError, parseOr400 } from '../errors';
import { addAuditDetails } from '../audit-details';

const idParam = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');
const noteBody = z.object({ note: z.string().max(500).optional() }).strict();

/** The request schemas, for the generated OpenAPI document (src/api/openapi); see also pipeline-schedules. */
export const scheduleRequestSchemas = { idParam, noteBody };

export function schedulesRouter(
  schedules: PipelineSchedules,
  bounds: RequestBounds = DEFAULT_REQUEST_BOUNDS,
): Router {
  const createBody = createScheduleSchemaFor(bounds);
  const router = Router();

  router.post('/schedules', async (req, res) => {
    const request = parseOr400(createBody, req.body ?? {}, 'body');
    addAuditDetails(res, { scheduleId: request.scheduleId });
    try {
      res.status(201).json(await schedules.create(request));
    } catch (error) {
      if (errorNamed(error, 'ScheduleAlreadyRunning')) {
        throw new HttpError(409, 'schedule_exists', `Schedule ${request.scheduleId} already exists`);
      }
      throw error;
    }
  });

  router.get('/schedules', async (_req, res) => {
    res.json({ schedules: await schedules.list() });
  });

  router.get('/schedules/:id', async (req, res) => {
    res.json(await schedules.describe(parseOr400(idParam, req.params.id, 'params.id')));
  });

  router.post('/schedules/:id/pause', async (req, res) => {
    const id = parseOr400(idParam, req.params.id, 'params.id');
    const { note } = parseOr400(noteBody, req.body ?? {}, 'body');
    await schedules.pause(id, note);
    res.json(await schedules.describe(id));
  });

  router.post('/schedules/:id/unpause', async (req, res) => {
    const id = parseOr400(idParam, req.params.id, 'params.id');
    const { note } = parseOr400(noteBody, req.body ?? {}, 'body');
    await schedules.unpause(id, note);
    res.json(await schedules.describe(id));
  });

  router.post('/schedules/:id/trigger', async (req, res) => {
    const id = parseOr400(idParam, req.params.id, 'params.id');
    await schedules.trigger(id);
    res.status(202).json({ scheduleId: id, triggered: true });
  });

  router.post('/schedules/:id/backfill', async (req, res) => {
    const id = parseOr400(idParam, req.params.id, 'params.id');
    const range = parseOr400(backfillSchema, req.body ?? {}, 'body');
    await schedules.backfill(id, range);
    res.status(202).json({ scheduleId: id, backfill: range });
  });

  router.delete('/schedules/:id', async (req, res) => {
    const id = parseOr400(idParam, req.params.id, 'params.id');
    await schedules.delete(id);
    res.status(204).end();
  });

  return router;
}
