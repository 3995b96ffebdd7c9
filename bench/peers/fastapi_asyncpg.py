"""A peer for bench/load/cold_reads_vs_peers.sh: GET /v1/trainees/{id} as one
row read (the trainees table's row, as JSON) with FastAPI and asyncpg under
uvicorn (uvloop, httptools), in PEER_WORKERS processes (default 2, one per
core here). Debian's packages: python3-fastapi python3-uvicorn
python3-asyncpg python3-uvloop python3-httptools.

    PORT=8082 PGDATABASE=... /usr/bin/python3 bench/peers/fastapi_asyncpg.py
"""
import os

import asyncpg
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()
pool = None


@app.on_event("startup")
async def startup():
    global pool
    # The pool opened whole at start-up, and without PostgreSQL's JIT: asyncpg
    # before 0.29 (Debian 12 ships 0.27) introspects the row's types on each
    # new connection with a query that JIT compiles for ~1 s (MagicStack/asyncpg
    # #530, fixed by #1082). Opened lazily with JIT on, a pool growing under
    # load answered nothing for whole 2 s rounds (session 11).
    size = int(os.environ.get("PEER_POOL", "8"))
    pool = await asyncpg.create_pool(min_size=size, max_size=size,
                                     server_settings={"jit": "off"})


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.get("/v1/trainees/{trainee_id}")
async def trainee(trainee_id: str):
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM trainees WHERE id = $1::uuid", trainee_id)
    if row is None:
        return JSONResponse({"title": "no such trainee"}, status_code=404)
    return JSONResponse({k: (v if isinstance(v, (int, float, bool, str, type(None))) else str(v))
                         for k, v in row.items()})


if __name__ == "__main__":
    uvicorn.run("fastapi_asyncpg:app", host="127.0.0.1", port=int(os.environ.get("PORT", "8082")),
                workers=int(os.environ.get("PEER_WORKERS", "2")), loop="uvloop", http="httptools",
                log_level="warning", access_log=False,
                app_dir=os.path.dirname(os.path.abspath(__file__)))
