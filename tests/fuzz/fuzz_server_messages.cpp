// libFuzzer target: a server frame as a client decodes it, the fan-out splice (withSeq)
// on whatever the encoder makes of a decoded message, and an ok reply's fields read by
// every result struct (each must read back what it writes).
#include "protocol/results.h"
#include "protocol/servermessages.h"

#include <QByteArrayView>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <variant>

using namespace acdesk::proto;

namespace {

template<typename T>
void roundTrip(const QJsonObject &fields)
{
    const auto decoded = T::fromJson(fields);
    if (const auto *value = std::get_if<T>(&decoded)) {
        const auto again = T::fromJson(value->toJson());
        const auto *same = std::get_if<T>(&again);
        if (!same || *same != *value)
            __builtin_trap(); // a result struct cannot read its own output
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView frame(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const QJsonObject fields = QJsonDocument::fromJson(frame.toByteArray()).object();
    roundTrip<ReportResult>(fields);
    roundTrip<WorklistListResult>(fields);
    roundTrip<WorklistDoneResult>(fields);
    roundTrip<AuditListResult>(fields);
    roundTrip<AdminConfigResult>(fields);
    roundTrip<CallDialResult>(fields);
    roundTrip<GwArriveResult>(fields);
    const auto decoded = decodeServerMessage(frame);
    const auto *message = std::get_if<ServerMessage>(&decoded);
    if (!message)
        return 0;
    (void)messageType(*message);
    const QByteArray encoded = encodeServerMessage(*message);
    if (!std::holds_alternative<ServerMessage>(decodeServerMessage(QByteArrayView(encoded))))
        __builtin_trap(); // the codec cannot read its own output
    const QByteArray spliced = withSeq(encoded, 42);
    (void)spliced;
    return 0;
}
