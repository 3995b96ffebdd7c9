// A peer for bench/load/cold_reads_vs_peers.sh: GET /v1/trainees/{id} as one
// row read (the trainees table's row, as JSON) with Express and node-postgres,
// in PEER_WORKERS processes (node:cluster; default 2, one per core here).
//   PORT=8081 PGDATABASE=... node bench/peers/express/server.mjs
import cluster from "node:cluster";
import express from "express";
import pg from "pg";

const workers = Number(process.env.PEER_WORKERS ?? 2);
if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; ++i) cluster.fork();
} else {
  const pool = new pg.Pool({ max: Number(process.env.PEER_POOL ?? 8) });
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.get("/healthz", (_req, res) => res.json({ status: "ok" }));
  app.get("/v1/trainees/:id", async (req, res) => {
    try {
      const { rows } = await pool.query({
        name: "trainee",
        text: "SELECT * FROM trainees WHERE id = $1",
        values: [req.params.id],
      });
      if (rows.length === 0) return res.status(404).json({ title: "no such trainee" });
      res.json(rows[0]);
    } catch {
      res.status(500).json({ title: "error" });
    }
  });
  app.listen(Number(process.env.PORT ?? 8081), "127.0.0.1");
}
