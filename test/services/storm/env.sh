# Source me: exports the settings of squall's loopback Storm test cluster (see install.sh / start.sh).
# Works from bash and zsh; sets nothing else and runs nothing.
_squall_storm_dir="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)"
export SQUALL_STORM_VERSION="${SQUALL_STORM_VERSION:-2.8.3}"
export SQUALL_CACHE="${SQUALL_CACHE:-$HOME/.cache/squall}"
export SQUALL_STORM_RUN="${SQUALL_STORM_RUN:-$SQUALL_CACHE/run}"
export SQUALL_STORM_UI_PORT="${SQUALL_STORM_UI_PORT:-8080}"
export SQUALL_STORM_LOGVIEWER_PORT="${SQUALL_STORM_LOGVIEWER_PORT:-8000}"
export SQUALL_STORM_NIMBUS_PORT="${SQUALL_STORM_NIMBUS_PORT:-6627}"
export SQUALL_STORM_ZK_PORT="${SQUALL_STORM_ZK_PORT:-2181}"
export STORM_HOME="$SQUALL_CACHE/storm-$SQUALL_STORM_VERSION"
export STORM_CONF_DIR="$STORM_HOME/conf"
export STORM_NIMBUS="127.0.0.1:$SQUALL_STORM_NIMBUS_PORT"
export STORM_UI="http://127.0.0.1:$SQUALL_STORM_UI_PORT"
export STORM_LOGVIEWER="http://127.0.0.1:$SQUALL_STORM_LOGVIEWER_PORT"
export STORM_ZOOKEEPER="127.0.0.1:$SQUALL_STORM_ZK_PORT"
# Classpath for a JVM client that submits to the cluster (StormSubmitter reads conf/storm.yaml from it);
# add your topology jar. Flux: java -cp "$STORM_SUBMIT_CLASSPATH:topo.jar" org.apache.storm.flux.Flux --remote topo.yaml
export STORM_SUBMIT_CLASSPATH="$STORM_HOME/lib-worker/*:$STORM_HOME/flux/*:$STORM_HOME/conf"
# storm.js / storm.py from org.apache.storm:multilang-{javascript,python}
export STORM_MULTILANG_RESOURCES="$STORM_HOME/multilang/resources"
unset _squall_storm_dir
