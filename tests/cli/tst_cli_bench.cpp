// deepfield-cli bench as issue #9 spells it: `deepfield-cli bench [--only NAME] [--json FILE]` writes each
// workload's engine and PyTorch figures and their ratio. The suite needs no Python: a stand-in for
// python3 + torch_ref.py answers with a fixed throughput, which is enough to check that the PyTorch runs
// alternate with the engine's repeats and are merged; a missing PyTorch gives the engine's figures alone.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>

#include "cli_runner.h"

using namespace cli_test;

namespace {
// Quick windows: the test checks the plumbing, not the speed.
QStringList quickArgs(const QString& json) {
    return {"bench", "--only", "mlp_colors", "--json", json, "--repeats", "2", "--min-time", "0.2",
            "--warmup", "0.05", "--quiet-wait", "0", "--no-memory"};
}

// An executable that stands in for python3: `-c 'import torch'` succeeds; a torch_ref.py run appends a
// line to `calls` and writes one train window of 100 steps and one inference window of 200 calls in 1 s
// for mlp_colors (batch 64): 6400 and 12800 samples/s.
QString fakePython(const QDir& dir) {
    const QString path = dir.filePath("python3");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(R"(#!/bin/sh
if [ "$1" = "-c" ]; then exit 0; fi
out=""
while [ $# -gt 0 ]; do [ "$1" = "--json" ] && out="$2"; shift; done
echo run >> "$(dirname "$0")/calls"
cat > "$out" <<EOF
{"meta": {"torch_version": "stand-in"}, "results": {"mlp_colors": {"batch": 64, "unit": "samples/s",
 "train": {"min": 6400, "median": 6400, "max": 6400, "samples": [6400]},
 "train_windows": [{"calls": 100, "seconds": 1.0, "per_call_ms": 10.0, "foreign": 0.0}],
 "infer": {"min": 12800, "median": 12800, "max": 12800, "samples": [12800]},
 "infer_windows": [{"calls": 200, "seconds": 1.0, "per_call_ms": 5.0, "foreign": 0.0}]}}}
EOF
)");
    f.close();
    f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
    return path;
}

int lineCount(const QString& path) { return int(readAll(path).count('\n')); }
}  // namespace

class TestCliBench : public QObject {
    Q_OBJECT
private slots:
    void alternatesEngineAndPyTorchRepeats() {
        QTemporaryDir dir;
        const QString json = dir.filePath("bench.json");
        const Result r = runCli(quickArgs(json) << "--python" << fakePython(QDir(dir.path())));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(lineCount(dir.filePath("calls")), 2);  // one PyTorch run after each engine repeat
        const QJsonObject j = readJson(json);
        const QJsonObject w = j["workloads"].toObject()["mlp_colors"].toObject();
        const double engine = w["engine"].toObject()["train"].toObject()["median"].toDouble();
        QVERIFY(engine > 0);
        const QJsonObject torchTrain = w["torch"].toObject()["train"].toObject();
        QCOMPARE(torchTrain["median"].toDouble(), 6400.0);
        QCOMPARE(torchTrain["samples"].toArray().size(), 2);  // the two runs merged
        QCOMPARE(w["torch"].toObject()["infer"].toObject()["median"].toDouble(), 12800.0);
        QCOMPARE(w["ratio"].toObject()["train"].toObject()["median"].toDouble(), engine / 6400.0);
        QCOMPARE(j["torch_raw"].toObject()["meta"].toObject()["rounds"].toInt(), 2);
        QVERIFY(j["torch_raw"].toObject()["meta"].toObject()["interleaved"].toBool());
        QVERIFY2(r.out.contains("repeats alternating"), qPrintable(r.out));
    }

    void noInterleaveRunsPyTorchOnce() {
        QTemporaryDir dir;
        const QString json = dir.filePath("bench.json");
        const Result r = runCli(quickArgs(json) << "--no-interleave" << "--python" << fakePython(QDir(dir.path())));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(lineCount(dir.filePath("calls")), 1);
        QVERIFY(!readJson(json)["torch_raw"].toObject()["meta"].toObject()["interleaved"].toBool());
    }

    void withoutPyTorchTheEngineFiguresComeAlone() {
        QTemporaryDir dir;
        const QString json = dir.filePath("bench.json");
        const Result r = runCli(quickArgs(json) << "--python" << dir.filePath("no_such_python"));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("no PyTorch comparison") && r.err.contains("python3-torch"), qPrintable(r.err));
        const QJsonObject j = readJson(json);
        QVERIFY(j["torch_skipped"].toString().contains("cannot import torch"));
        const QJsonObject w = j["workloads"].toObject()["mlp_colors"].toObject();
        QVERIFY(w["engine"].toObject()["infer"].toObject()["median"].toDouble() > 0);
        QVERIFY(w["torch"].toObject()["train"].isNull());
    }

    void torchFlagRequiresPyTorch() {
        QTemporaryDir dir;
        const Result r = runCli(quickArgs(dir.filePath("bench.json")) << "--torch" << "--python"
                                                                       << dir.filePath("no_such_python"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("cannot import torch"), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir.filePath("bench.json")));
    }
};

QTEST_GUILESS_MAIN(TestCliBench)
#include "tst_cli_bench.moc"
