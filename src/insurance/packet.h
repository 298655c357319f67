// The appeal packet as one PDF (libharu): patient and coverage, the request,
// the denial, the timeline, and the clinical evidence the case manager chose.
// Every page carries a confidentiality header and its page number.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace ck::insurance {

// `content` is Service::PacketContent's document; returns the PDF's bytes.
Result<std::string> RenderPacketPdf(const nlohmann::json& content);

}  // namespace ck::insurance
