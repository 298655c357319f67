#include "cases/model.h"

#include <algorithm>

namespace ck::cases {

std::string_view StageName(Stage s) {
  switch (s) {
    case Stage::kReferred:
      return "referred";
    case Stage::kScreening:
      return "screening";
    case Stage::kAssessment:
      return "assessment";
    case Stage::kPlanning:
      return "planning";
    case Stage::kActive:
      return "active";
    case Stage::kTransition:
      return "transition";
    case Stage::kClosed:
      return "closed";
  }
  return "referred";
}

Result<Stage> ParseStage(std::string_view name) {
  for (Stage s : {Stage::kReferred, Stage::kScreening, Stage::kAssessment, Stage::kPlanning,
                  Stage::kActive, Stage::kTransition, Stage::kClosed}) {
    if (StageName(s) == name) return s;
  }
  return InvalidArgument(
      "must be one of referred, screening, assessment, planning, active, transition, closed", "to");
}

std::vector<Stage> NextStages(Stage from) {
  switch (from) {
    case Stage::kReferred:
      return {Stage::kScreening, Stage::kClosed};
    case Stage::kScreening:
      return {Stage::kAssessment, Stage::kClosed};
    case Stage::kAssessment:
      return {Stage::kPlanning, Stage::kClosed};
    case Stage::kPlanning:
      return {Stage::kActive, Stage::kClosed};
    case Stage::kActive:
      return {Stage::kTransition, Stage::kPlanning, Stage::kClosed};
    case Stage::kTransition:
      return {Stage::kActive, Stage::kClosed};
    case Stage::kClosed:
      return {};
  }
  return {};
}

bool TransitionAllowed(Stage from, Stage to) {
  auto next = NextStages(from);
  return std::find(next.begin(), next.end(), to) != next.end();
}

}  // namespace ck::cases
