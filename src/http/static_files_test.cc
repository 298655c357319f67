// The web app's files: served from memory, single-page routes get index.html,
// API paths never fall through to the app.
#include "http/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ck::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ck-web-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "assets");
    Write("index.html", "<!doctype html><div id=app></div>");
    Write("assets/app-1a2b.js", "console.log(1)");
    Write("favicon.svg", "<svg/>");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& body) {
    std::ofstream(root_ / rel, std::ios::binary) << body;
  }
  static Request Get(const std::string& path) {
    Request r;
    r.method = Method::kGet;
    r.path = path;
    return r;
  }
  static std::string HeaderOf(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return {};
  }
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTheirTypesAndCaching) {
  auto web = StaticFiles::Load(root_.string());
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  EXPECT_EQ((*web)->file_count(), 3u);

  Response js = (*web)->Serve(Get("/assets/app-1a2b.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");

  Response svg = (*web)->Serve(Get("/favicon.svg"));
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_EQ(HeaderOf(svg, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, AppRoutesGetIndexAndMissingFilesAre404) {
  auto web = StaticFiles::Load(root_.string());
  ASSERT_TRUE(web.ok());
  for (const char* path : {"/", "/worklist", "/patients/12/care-plan"}) {
    Response r = (*web)->Serve(Get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache") << path;
  }
  EXPECT_EQ((*web)->Serve(Get("/assets/gone-9999.js")).status, 404);
  EXPECT_EQ((*web)->Serve(Get("/../index.html")).status, 404);
  EXPECT_EQ((*web)->Serve(Get("/assets/../../etc/passwd")).status, 404);
}

TEST_F(StaticFilesTest, RevalidationByEtag) {
  auto web = StaticFiles::Load(root_.string());
  ASSERT_TRUE(web.ok());
  Response first = (*web)->Serve(Get("/"));
  std::string etag = HeaderOf(first, "ETag");
  ASSERT_FALSE(etag.empty());
  Request again = Get("/");
  again.headers.emplace_back("if-none-match", etag);
  Response second = (*web)->Serve(again);
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
}

TEST_F(StaticFilesTest, ApiPathsAndWritesNeverReachTheApp) {
  EXPECT_TRUE(StaticFiles::Serves(Get("/")));
  EXPECT_TRUE(StaticFiles::Serves(Get("/patients/3")));
  EXPECT_FALSE(StaticFiles::Serves(Get("/api/v1/nothing")));
  EXPECT_FALSE(StaticFiles::Serves(Get("/fhir/R4/Nothing")));
  EXPECT_FALSE(StaticFiles::Serves(Get("/api")));
  Request post = Get("/");
  post.method = Method::kPost;
  EXPECT_FALSE(StaticFiles::Serves(post));
}

TEST_F(StaticFilesTest, NoIndexIsNotFound) {
  fs::remove(root_ / "index.html");
  auto web = StaticFiles::Load(root_.string());
  ASSERT_FALSE(web.ok());
  EXPECT_EQ(web.status().field(), "web.root");
}

}  // namespace
}  // namespace ck::http
