#pragma once
// What the lesson-demonstration tests share: a studio window with the lessons installed, and running
// one lesson's demonstration to the end with its time limit checked.
#include <QtTest>

#include <QElapsedTimer>

#include "lessons/lesson_demos.h"
#include "lessons/lessons_panel.h"
#include "main_window.h"

namespace deepfield::app::testing {
struct Studio {
    MainWindow window;
    LessonsPanel* lessons;
    Studio() {
        window.setOfferRecovery(false);
        lessons = installLessons(&window);
        window.resize(1400, 900);
    }
    ~Studio() { window.discardChanges(); }
};

// Opens lesson n, runs its demonstration; returns the seconds it took (−1 on timeout).
inline double runDemo(Studio& s, int n) {
    if (!s.lessons->openLesson(n)) return -1;
    QElapsedTimer t;
    t.start();
    QSignalSpy done(s.lessons, &LessonsPanel::demoFinished);
    s.lessons->runDemo();
    if (!done.wait(90000)) return -1;
    const double seconds = t.elapsed() / 1000.0;
    qInfo("lesson %d demonstration: %.1f s; %s", n, seconds, qPrintable(s.lessons->statusText()));
    return seconds;
}

#define DEMO_RAN(s, n)                                                                        \
    const double seconds = runDemo(s, n);                                                     \
    QVERIFY2(seconds >= 0, "the demonstration did not finish");                               \
    QVERIFY2(s.lessons->demo()->error().isEmpty() || n == 10, qPrintable(s.lessons->demo()->error())); \
    QVERIFY2(seconds < 60, qPrintable(QString("took %1 s").arg(seconds)))
}  // namespace deepfield::app::testing
