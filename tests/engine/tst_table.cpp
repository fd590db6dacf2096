#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "data/standardizer.h"
#include "data/table.h"

using namespace deepfield;

namespace {
// Runs f and returns the InputError's message ("" when nothing was thrown).
template <class F>
QString inputError(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}
}  // namespace

class TestTable : public QObject {
    Q_OBJECT
private slots:
    void parsesHeaderRowsAndQuotes() {
        const Table t = parseCsv("name,u,g\n\n\"NGC 1, \"\"the\"\" galaxy\",1.5,2\n  M51 , -3e-1 ,+4\n\n", "t.csv");
        QCOMPARE(t.columns, (std::vector<std::string>{"name", "u", "g"}));
        QCOMPARE(t.rowCount(), 2);
        QCOMPARE(t.rows[0][0], std::string("NGC 1, \"the\" galaxy"));
        QCOMPARE(t.rows[1][0], std::string("M51"));
        QCOMPARE(t.lines, (std::vector<int>{3, 4}));
        QCOMPARE(t.number(1, 1), -0.3);
        QCOMPARE(t.number(1, 2), 4.0);
        QVERIFY(std::isnan(parseCsv("a\n\"\"\n", "x").number(0, 0)));  // empty = missing
    }

    void quotedNewlineAndCrLf() {
        const Table t = parseCsv("a,b\r\n\"line\nbreak\",2\r\n3,4\r\n", "t.csv");
        QCOMPARE(t.rowCount(), 2);
        QCOMPARE(t.rows[0][0], std::string("line\nbreak"));
        QCOMPARE(t.rows[1][1], std::string("4"));
        QCOMPARE(t.lines[1], 4);  // the quoted newline counts as a line
    }

    void annzHeaderAndComments() {
        const Table t = parseCsv("#F:MAG_U;F:MAG_G;D:Z\n1,2,0.5\n# a comment\n3,4,0.25\n", "boss.csv");
        QCOMPARE(t.columns, (std::vector<std::string>{"MAG_U", "MAG_G", "Z"}));
        QCOMPARE(t.rowCount(), 2);
        const Feature f = resolveFeature(t, "u-g");  // band letters find ANNZ magnitude columns
        QCOMPARE(t.columns[std::size_t(f.column)], std::string("MAG_U"));
        QCOMPARE(t.columns[std::size_t(f.minus)], std::string("MAG_G"));
        QCOMPARE(t.requireColumn("Z"), 2);
        // "#class,..." then a '#' format line (the ANNZ star/galaxy catalogues)
        const Table s = parseCsv("#class,z\n# 10A ,E\nSTAR,0.1\n", "sg.txt");
        QCOMPARE(s.columns, (std::vector<std::string>{"class", "z"}));
        QCOMPARE(s.rowCount(), 1);
    }

    void errorsNameFileRowColumn_data() {
        QTest::addColumn<QString>("csv");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not a number") << "u,g\n1,2\n\n3,abc\n" << "'boss.csv' row 4, column 'g': 'abc' is not a number";
        QTest::newRow("cell count") << "u,g\n1,2,3\n" << "'boss.csv' row 2: 3 cells but the header has 2 columns";
        QTest::newRow("unclosed quote") << "u,g\n\"1,2\n" << "'boss.csv' row 2: a quoted cell is never closed";
        QTest::newRow("empty file") << "\n\n" << "'boss.csv' is empty";
        QTest::newRow("duplicate") << "u,u\n1,2\n" << "the column name 'u' appears twice";
    }
    void errorsNameFileRowColumn() {
        QFETCH(QString, csv);
        QFETCH(QString, expected);
        const QString msg = inputError([&] {
            const Table t = parseCsv(csv.toStdString(), "boss.csv");
            TableSpec spec;
            spec.features = {"u", "g"};
            spec.task = "regression";
            extract(t, spec, false, false);
        });
        QVERIFY2(msg.contains(expected), qPrintable(msg));
    }

    void featureDifferences() {
        const Table t = parseCsv("u,g,r,class\n19.5,17.0,16.0,STAR\n18.0,17.5,17.25,QSO\n", "t.csv");
        TableSpec spec = inferSpec(t, {"u-g", "g-r", "r"}, "class");
        const TableData d = extract(t, spec);
        QCOMPARE(d.inputs.shape(), (std::vector<int>{2, 3}));
        QCOMPARE(d.inputs[0], 2.5f);
        QCOMPARE(d.inputs[1], 1.0f);
        QCOMPARE(d.inputs[2], 16.0f);
        QCOMPARE(d.inputs[3], 0.5f);
        QCOMPARE(d.inputs[4], 0.25f);
        // a column literally named "u-g" wins over the difference
        const Table c = parseCsv("u,g,u-g\n5,1,7\n", "c.csv");
        QCOMPARE(resolveFeature(c, "u-g").minus, -1);
        QCOMPARE(resolveFeature(c, "u-g").column, 2);
    }

    void missingColumnListsAvailable() {
        const Table t = parseCsv("u,g,class\n1,2,A\n", "t.csv");
        QString msg = inputError([&] { inferSpec(t, {"u-x"}, "class"); });
        QVERIFY2(msg.contains("'t.csv' has no column 'u-x'") && msg.contains("available columns: u, g, class"),
                 qPrintable(msg));
        msg = inputError([&] { inferSpec(t, {"u"}, "type"); });
        QVERIFY2(msg.contains("'t.csv' has no column 'type'; available columns: u, g, class"), qPrintable(msg));
    }

    void classMapping() {
        const Table t = parseCsv("x,class\n1,STAR\n2,GALAXY\n3,QSO\n4,STAR\n", "t.csv");
        const TableSpec spec = inferSpec(t, {"x"}, "class");
        QCOMPARE(spec.task, std::string("classification"));
        QCOMPARE(spec.classes, (std::vector<std::string>{"GALAXY", "QSO", "STAR"}));
        const TableData d = extract(t, spec);
        QCOMPARE(d.targets.values(), (std::vector<float>{2, 0, 1, 2}));
        // test data keeps the training run's order, even when a class is absent from it
        const Table test = parseCsv("x,class\n1,QSO\n", "test.csv");
        QCOMPARE(extract(test, spec).targets[0], 1.0f);
        const QString msg = inputError([&] { extract(parseCsv("x,class\n1,WD\n", "w.csv"), spec); });
        QVERIFY2(msg.contains("'w.csv' row 2, column 'class': 'WD' is not one of the classes (GALAXY, QSO, STAR)"),
                 qPrintable(msg));
        // numeric labels sort as numbers when a classification is asked for
        const TableSpec num = inferSpec(parseCsv("x,l\n1,10\n2,2\n3,1\n", "n.csv"), {"x"}, "l", "classification");
        QCOMPARE(num.classes, (std::vector<std::string>{"1", "2", "10"}));
        QCOMPARE(inferSpec(parseCsv("x,z\n1,0.5\n2,0.1\n", "n.csv"), {"x"}, "z").task, std::string("regression"));
    }

    void missingCells() {
        const Table t = parseCsv("u,g,z\n1,2,0.1\n3,,0.2\n5,nan,0.3\n7,8,0.4\n9,10,\n", "m.csv");
        TableSpec spec = inferSpec(t, {"u-g"}, "z");
        const QString msg = inputError([&] { extract(t, spec); });
        QVERIFY2(msg.contains("'m.csv' row 3, column 'g': empty cell"), qPrintable(msg));
        const TableData d = extract(t, spec, true);
        QCOMPARE(d.dropped, 3);
        QCOMPARE(d.lines, (std::vector<int>{2, 5}));
        QCOMPARE(d.targets.values(), (std::vector<float>{0.1f, 0.4f}));
    }

    void standardisation() {
        const Tensor x = Tensor::fromData({4, 2}, {1, 10, 2, 10, 3, 10, 6, 10});
        const Standardizer s = Standardizer::fit(x);
        QCOMPARE(s.mean[0], 3.0);
        QCOMPARE(s.std[0], std::sqrt(3.5));  // population std of 1, 2, 3, 6
        QCOMPARE(s.mean[1], 10.0);
        QCOMPARE(s.std[1], 1.0);  // constant feature: passes through centred
        Tensor y = x;
        s.apply(y);
        QVERIFY(std::abs(y[0] - float(-2 / std::sqrt(3.5))) < 1e-6f);
        QCOMPARE(y[1], 0.0f);
        // round trip through JSON, and applied to other data with the training statistics
        const Standardizer back = Standardizer::fromJson(s.toJson());
        Tensor z = Tensor::fromData({1, 2}, {3, 12});
        back.apply(z);
        QCOMPARE(z[0], 0.0f);
        QCOMPARE(z[1], 2.0f);
        bool threw = false;
        try {
            Tensor w = Tensor::fromData({1, 3}, {1, 2, 3});
            s.apply(w);
        } catch (const ShapeError&) {
            threw = true;
        }
        QVERIFY(threw);
    }

    void specRoundTrip() {
        TableSpec s;
        s.features = {"u-g", "g-r"};
        s.target = "class";
        s.task = "classification";
        s.classes = {"GALAXY", "STAR"};
        s.standardizer.mean = {1, 2};
        s.standardizer.std = {3, 4};
        const TableSpec b = TableSpec::fromJson(s.toJson());
        QCOMPARE(b.features, s.features);
        QCOMPARE(b.classes, s.classes);
        QCOMPARE(b.standardizer.std, s.standardizer.std);
        QCOMPARE(b.task, s.task);
    }

    void realFilesAsTheyAre() {
        const Table dr14 = readCsv(DEEPFIELD_SHARED_DATA "/sdss-colors/sdss_dr14_skyserver/Skyserver_SQL2_27_2018_6_51_39_PM.csv");
        QCOMPARE(dr14.rowCount(), 10000);
        const TableSpec spec = inferSpec(dr14, {"u-g", "g-r", "r-i", "i-z"}, "class");
        QCOMPARE(spec.classes, (std::vector<std::string>{"GALAXY", "QSO", "STAR"}));
        QCOMPARE(extract(dr14, spec).inputs.shape(), (std::vector<int>{10000, 4}));
        const Table boss = readCsv(DEEPFIELD_SHARED_DATA "/sdss-colors/annz_boss_dr10/boss_dr10_eval0.csv");
        QCOMPARE(boss.rowCount(), 2000);
        const TableSpec z = inferSpec(boss, {"r", "u-g", "g-r", "r-i", "i-z"}, "Z");
        QCOMPARE(z.task, std::string("regression"));
        const TableData d = extract(boss, z);
        QCOMPARE(d.inputs[0], 21.257393f);                    // r of the first row
        QVERIFY(std::abs(d.inputs[1] - (25.156075f - 22.964514f)) < 1e-5f);  // u − g
        QCOMPARE(d.targets[0], 0.555825f);
    }
};

QTEST_APPLESS_MAIN(TestTable)
#include "tst_table.moc"
