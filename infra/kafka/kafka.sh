#!/usr/bin/env bash
# A real Apache Kafka (KRaft) on loopback, from Maven Central jars.
#
#   infra/kafka/kafka.sh fetch                 download the broker into target/lib (Maven)
#   infra/kafka/kafka.sh start  single|cluster format storage and start 1 broker (19092) or 3 (29092, 29192, 29292)
#   infra/kafka/kafka.sh stop   single|cluster stop them
#   infra/kafka/kafka.sh stop-node  cluster N  stop broker N (1-3) of the cluster; start-node cluster N [N..] restarts them
#   infra/kafka/kafka.sh kill-node  cluster N  kill -9 broker N (a crash: no controlled shutdown); kill single|cluster kills them all
#   infra/kafka/kafka.sh brokers single|cluster  print the bootstrap list
#
# State lives under $KAFKA_RUN_DIR (default infra/kafka/run); `start` always begins from empty storage.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=${KAFKA_RUN_DIR:-$HERE/run}
LIB=$HERE/target/lib
HEAP=${KAFKA_HEAP:-512m}

fetch() {
  if ! ls "$LIB"/kafka_2.13-*.jar >/dev/null 2>&1; then
    # Maven's output goes to stderr: stdout carries only the bootstrap list callers parse.
    (cd "$HERE" && mvn -q -B -Dstyle.color=never package >&2)
  fi
}

ports() { # topology node -> "broker controller"
  if [ "$1" = single ]; then echo "19092 19093"; else echo "$((28992 + $2 * 100)) $((28993 + $2 * 100))"; fi
}

nodes() { if [ "$1" = single ]; then echo 1; else echo 1 2 3; fi; }

brokers() {
  local list=()
  for n in $(nodes "$1"); do read -r b _ <<<"$(ports "$1" "$n")"; list+=("127.0.0.1:$b"); done
  (IFS=,; echo "${list[*]}")
}

voters() {
  local list=()
  for n in $(nodes "$1"); do read -r _ c <<<"$(ports "$1" "$n")"; list+=("$n@127.0.0.1:$c"); done
  (IFS=,; echo "${list[*]}")
}

configure() { # topology node
  local topology=$1 node=$2 dir="$RUN/$1/$2" replicas=1 isr=1
  [ "$topology" = cluster ] && replicas=3 && isr=2
  read -r broker controller <<<"$(ports "$topology" "$node")"
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$(voters "$topology")
listeners=PLAINTEXT://127.0.0.1:$broker,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$broker
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
default.replication.factor=$replicas
min.insync.replicas=$isr
offsets.topic.replication.factor=$replicas
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$isr
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.flush.interval.messages=1
PROPS
}

start_node() { # topology node
  local dir="$RUN/$1/$2"
  read -r broker _ <<<"$(ports "$1" "$2")"
  KAFKA_NODE_LOG="$dir/broker.log"
  nohup java -Xms128m -Xmx"$HEAP" -XX:+UseSerialGC -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    -cp "$LIB/*" kafka.Kafka "$dir/server.properties" >"$KAFKA_NODE_LOG" 2>&1 &
  echo $! >"$dir/pid"
}

wait_port() { # port
  for _ in $(seq 1 240); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  echo "kafka: port $1 did not open" >&2
  return 1
}

stop_node() { # topology node [grace-quarter-seconds]: SIGTERM, SIGKILL after the grace (20 s; 0: at once)
  local pidfile="$RUN/$1/$2/pid" grace=${3:-80}
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if [ "$grace" -gt 0 ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 "$grace"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$pidfile"
}

start() {
  local topology=$1 cluster_id
  fetch
  stop "$topology"
  rm -rf "${RUN:?}/$topology"
  cluster_id=$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  local formats=()
  for n in $(nodes "$topology"); do
    configure "$topology" "$n"
    java -cp "$LIB/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN/$topology/$n/server.properties" >/dev/null &
    formats+=($!)
  done
  for pid in "${formats[@]}"; do wait "$pid"; done
  for n in $(nodes "$topology"); do start_node "$topology" "$n"; done
  for n in $(nodes "$topology"); do read -r b _ <<<"$(ports "$topology" "$n")"; wait_port "$b"; done
  brokers "$topology"
}

stop() { for n in $(nodes "$1"); do stop_node "$1" "$n" "${2:-80}"; done; }

case "${1:-}" in
  fetch) fetch ;;
  start) start "${2:-single}" ;;
  stop) stop "${2:-single}" ;;
  stop-node) stop_node "${2:?topology}" "${3:?node}" ;;
  kill) stop "${2:-single}" 0 ;;
  kill-node) stop_node "${2:?topology}" "${3:?node}" 0 ;;
  start-node) # start-node TOPOLOGY N [N...]: start them all, then wait (a lone KRaft node has no quorum)
    topology=${2:?topology}; shift 2
    for n in "$@"; do start_node "$topology" "$n"; done
    for n in "$@"; do read -r b _ <<<"$(ports "$topology" "$n")"; wait_port "$b"; done ;;
  brokers) brokers "${2:-single}" ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
