/** Statuses of a batch of responses, counted: `{201: 5, 409: 35}`. */
export const tally = (responses: Array<{ status: number }>): Record<number, number> =>
  responses.reduce<Record<number, number>>((acc, r) => {
    acc[r.status] = (acc[r.status] ?? 0) + 1;
    return acc;
  }, {});
