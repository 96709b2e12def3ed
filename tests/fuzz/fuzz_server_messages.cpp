// libFuzzer target: a server frame as a client decodes it, and the fan-out splice
// (withSeq) on whatever the encoder makes of a decoded message.
#include "protocol/servermessages.h"

#include <QByteArrayView>

#include <cstddef>
#include <cstdint>
#include <variant>

using namespace acdesk::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView frame(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
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
