#pragma once

// Maps the engine's plain types onto the wire types of the protocol codec. The engine
// knows nothing of JSON; this is the one place where the two vocabularies meet.

#include "engine/types.h"
#include "protocol/requests.h"
#include "protocol/values.h"

namespace acdesk::server {

/** @brief The contract's call object for an engine call. */
proto::Call toProto(const engine::Call &call);
/** @brief The contract's stats queue object. */
proto::QueueStats toProto(const engine::QueueStats &stats);
/** @brief Which fields an agent description carries. */
enum class AgentForm { Snapshot, Stats };
/** @brief An agent as the given form shows it. */
proto::AgentInfo toProto(const engine::AgentInfo &agent, AgentForm form);
/** @brief Engine agent state as the wire enum. */
proto::AgentState toProto(engine::AgentState state);
/** @brief Wire agent state as the engine enum. */
engine::AgentState toEngine(proto::AgentState state);
/** @brief A transfer target of the wire as the engine's. */
engine::TransferTarget toEngine(const proto::TransferTarget &to);
/** @brief The wire error code of an engine error. */
proto::ErrorCode fromEngine(engine::ErrorKind kind);

} // namespace acdesk::server
