-- One matching round at a time across replicas, without holding a database
-- connection while the round computes: a lease row. A replica takes it when
-- it is free or expired (a crashed replica's lease runs out), computes in
-- memory, stores the round and gives the lease back.
CREATE TABLE round_lease (
  id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  holder     text NOT NULL CHECK (length(holder) BETWEEN 1 AND 100),
  expires_at timestamptz NOT NULL
);
