# Source me: exports the settings of squall's throwaway loopback PostgreSQL (see install.sh / start.sh).
# Works from bash and zsh; sets nothing else and runs nothing.
export SQUALL_CACHE="${SQUALL_CACHE:-$HOME/.cache/squall}"
if [ "$(id -u)" = 0 ]; then
  # initdb refuses root, so the cluster belongs to the postgres user, which cannot enter /root.
  export SQUALL_PG_RUN="${SQUALL_PG_RUN:-/var/tmp/squall-postgres}"
else
  export SQUALL_PG_RUN="${SQUALL_PG_RUN:-$SQUALL_CACHE/postgres-run}"
fi
export SQUALL_PG_PORT="${SQUALL_PG_PORT:-5433}"
export SQUALL_PG_DB="${SQUALL_PG_DB:-squall}"
export SQUALL_PG_USER="${SQUALL_PG_USER:-squall}"
# What squall's PostgreSQL tests, the pageviews example and the bench read:
export DATABASE_URL="${DATABASE_URL:-postgres://$SQUALL_PG_USER:squall@127.0.0.1:$SQUALL_PG_PORT/$SQUALL_PG_DB}"
