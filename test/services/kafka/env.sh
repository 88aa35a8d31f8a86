# Source me: exports the settings of squall's loopback Kafka test broker (see install.sh / start.sh).
# Works from bash and zsh; sets nothing else and runs nothing.
export SQUALL_KAFKA_VERSION="${SQUALL_KAFKA_VERSION:-3.9.1}"
export SQUALL_CACHE="${SQUALL_CACHE:-$HOME/.cache/squall}"
export SQUALL_KAFKA_RUN="${SQUALL_KAFKA_RUN:-$SQUALL_CACHE/kafka-run}"
export SQUALL_KAFKA_PORT="${SQUALL_KAFKA_PORT:-9092}"
export SQUALL_KAFKA_CONTROLLER_PORT="${SQUALL_KAFKA_CONTROLLER_PORT:-9093}"
export KAFKA_HOME="$SQUALL_CACHE/kafka-$SQUALL_KAFKA_VERSION"
# What squall's Kafka tests, the pageviews example and the bench read:
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$SQUALL_KAFKA_PORT}"
