#pragma once

class QCoreApplication;

namespace acdesk {
/** @brief Runs `acdesk doctor URL`: checks a connection step by step; 0 when all pass. */
int runDoctorMode(QCoreApplication &app);
} // namespace acdesk
