#include "lesson_catalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "core/error.h"
#include "panels/data_panel.h"
#include "graph/templates.h"
#include "panels/network_panel.h"

namespace deepfield::app {

const std::vector<Lesson>& lessonCatalog() {
    static const std::vector<Lesson> lessons = {
        {1, QObject::tr("Colours and the perceptron"),
         QObject::tr("Real SDSS stars, galaxies and quasars in a colour–colour diagram; watch a network draw the "
                     "boundaries, neuron by neuron. Then photometric redshifts."),
         ":/deepfield/lessons/lesson-01.md", "boundary", {"LessonsDock", "DataDock"}},
        {2, QObject::tr("Gradient descent and backpropagation"),
         QObject::tr("The 2-2-2 worked example one stage at a time: every weight, activation and derivative as a "
                     "number; optimizers racing on a loss surface."),
         ":/deepfield/lessons/lesson-02.md", "backprop", {"LessonsDock"}},
        {3, QObject::tr("Convolution and pooling"),
         QObject::tr("A galaxy, a 3×3 kernel you can edit, the filtered image live; pooling and the receptive field."),
         ":/deepfield/lessons/lesson-03.md", "convolution", {"LessonsDock", "DataDock"}},
        {4, QObject::tr("A CNN classifies galaxies"),
         QObject::tr("Train the convolutional network on simulated morphologies, then on real Galaxy Zoo cut-outs."),
         ":/deepfield/lessons/lesson-04.md", "", {"NetworkDock", "DataDock"}},
        {5, QObject::tr("Going too deep"),
         QObject::tr("Overfitting made visible, repaired by dropout and early stopping; vanishing gradients with a "
                     "bad initialisation."),
         ":/deepfield/lessons/lesson-05.md", "overfit", {"LessonsDock"}},
        {6, QObject::tr("Opening the black box"),
         QObject::tr("Kernels, feature maps, saliency and integrated gradients of a trained CNN."),
         ":/deepfield/lessons/lesson-06.md", "", {"InspectDock", "NetworkDock"}},
        {7, QObject::tr("Encoder–decoders"),
         QObject::tr("A U-Net finds star-forming clumps; images in, images out."),
         ":/deepfield/lessons/lesson-07.md", "", {"ImageToImageDock", "NetworkDock"}},
        {8, QObject::tr("Variational autoencoders"),
         QObject::tr("A two-dimensional latent plane of galaxies where the Hubble sequence appears without labels."),
         ":/deepfield/lessons/lesson-08.md", "", {"LatentDock", "NetworkDock"}},
        {9, QObject::tr("GANs"),
         QObject::tr("Generated galaxies sharpen as the generator and its critic compete; the critic spots oddballs."),
         ":/deepfield/lessons/lesson-09.md", "", {"GenerateDock", "NetworkDock"}},
        {10, QObject::tr("Features or pixels?"),
         QObject::tr("Photometric redshift from catalogue colours against learning it from the images."),
         ":/deepfield/lessons/lesson-10.md", "photoz", {"LessonsDock", "DataDock"}},
    };
    return lessons;
}

QString lessonText(const Lesson& lesson) {
    QFile f(lesson.text);
    if (!f.open(QIODevice::ReadOnly)) return QObject::tr("*The text of this lesson is missing (%1).*").arg(lesson.text);
    return QString::fromUtf8(f.readAll());
}

QString lessonDataDir() {
    const QString env = qEnvironmentVariable("DEEPFIELD_DATA");
    if (!env.isEmpty() && QFileInfo(env).isDir()) return QDir(env).absolutePath();
    for (QString start : {QCoreApplication::applicationDirPath(), QDir::currentPath()}) {
        QDir d(start);
        for (int up = 0; up < 6; ++up) {
            if (QFileInfo(d.filePath("resources/data/sdss-colors")).isDir()) return d.absoluteFilePath("resources/data");
            if (!d.cdUp()) break;
        }
    }
    return {};
}

QString sdssColoursCsv() {
    return lessonDataDir() + "/sdss-colors/sdss_dr14_skyserver/Skyserver_SQL2_27_2018_6_51_39_PM.csv";
}

namespace {
Json tableSource(const QString& path, const std::vector<std::string>& features, const std::string& target) {
    if (!QFileInfo::exists(path))
        throw InputError("the lesson's data file '" + path.toStdString() +
                         "' was not found; run DeepField from its checkout or set DEEPFIELD_DATA to resources/data");
    return Json{{"kind", "table"}, {"path", path.toStdString()}, {"features", features}, {"target", target}};
}

Json simulated(const std::string& kind, int count, int size = 64, const std::vector<std::string>& bands = {"r"},
               const std::string& target = "class") {
    return Json{{"kind", "simulated"}, {"sim_kind", kind}, {"count", count}, {"size", size},
                {"bands", bands},      {"seed", 1},       {"target", target}};
}

TrainSettings settings(int epochs, int batch, double lr, const std::vector<std::string>& metrics,
                       const std::string& loss = "sparse_categorical_crossentropy", const std::string& optimizer = "adam",
                       double validation = 0.2) {
    TrainSettings s;
    s.loss = loss;
    s.optimizer = optimizer;
    s.optimizerOptions.learningRate = lr;
    s.options.epochs = epochs;
    s.options.batchSize = batch;
    s.options.validationSplit = validation;
    s.options.seed = 1;
    s.options.metrics = metrics;
    return s;
}

// An MLP written out as graph JSON: widths, one activation, optional dropout after each layer.
Json mlp(int inputs, const std::vector<int>& widths, int outputs, const std::string& activation, double dropout = 0) {
    Graph g;
    g.add("input", "Input", Json{{"shape", {inputs}}});
    std::string prev = "input";
    for (std::size_t i = 0; i < widths.size(); ++i) {
        const std::string k = std::to_string(i + 1);
        g.add("dense_" + k, "Dense", Json{{"units", widths[i]}}, {prev});
        g.add("act_" + k, activation, Json::object(), {"dense_" + k});
        prev = "act_" + k;
        if (dropout > 0) {
            g.add("dropout_" + k, "Dropout", Json{{"rate", dropout}}, {prev});
            prev = "dropout_" + k;
        }
    }
    g.add("output", "Dense", Json{{"units", outputs}}, {prev});
    g.setOutputs({"output"});
    return g.toJson();
}
}  // namespace

Project lessonProject(const Lesson& lesson) {
    Project p;
    const std::vector<std::string> colours{"u-g", "g-r", "r-i", "i-z"};
    switch (lesson.number) {
        case 1:
            p.dataSource = tableSource(sdssColoursCsv(), colours, "class");
            p.network = NetworkPanel::templateNetwork("mlp-colors", {4}, 3);
            p.training = settings(20, 64, 1e-3, {"accuracy"});
            break;
        case 2:
            p.dataSource = tableSource(sdssColoursCsv(), {"u-g", "g-r"}, "class");
            p.network = mlp(2, {2}, 3, "Sigmoid");
            p.training = settings(10, 16, 0.5, {"accuracy"}, "sparse_categorical_crossentropy", "sgd");
            break;
        case 3:
            p.dataSource = simulated("morphology", 400);
            p.network = NetworkPanel::templateNetwork("cnn-morphology", {1, 64, 64}, 4);
            p.training = settings(4, 32, 1e-3, {"accuracy"});
            break;
        case 5:
            // Few training rows (10 %, the Train panel's smallest share) and a wide, deep network.
            p.dataSource = tableSource(sdssColoursCsv(), colours, "class");
            p.network = mlp(4, {256, 256, 256}, 3, "ReLU");
            p.training = settings(60, 16, 1e-3, {"accuracy"}, "sparse_categorical_crossentropy", "adam", 0.9);
            break;
        case 4:
        case 6:  // small enough that the demonstration trains in seconds: 32×32, 600 galaxies
            p.dataSource = simulated("morphology", 600, 32);
            p.network = NetworkPanel::templateNetwork("cnn-morphology", {1, 32, 32}, 4);
            p.training = settings(8, 32, 1e-3, {"accuracy"}, "sparse_categorical_crossentropy", "adam", 0.25);
            break;
        case 7: {
            p.dataSource = simulated("clumps", 400, 32, {"r"}, "mask");
            TemplateOptions o({1, 32, 32}, 1);
            o.depth = 2;
            o.baseFilters = 8;
            p.network = makeTemplate("unet-clumps", o).toJson();
            p.training = settings(8, 16, 2e-3, {"dice"}, "binary_crossentropy");
            break;
        }
        case 8:  // g, r, i: ellipticals are red, so the latent carries colour as well as shape;
                 // 1,600 galaxies as in docs/demonstrations.md's recipe (held-out accuracy 0.924)
            p.dataSource = simulated("morphology", 1600, 32, {"g", "r", "i"});
            p.network = NetworkPanel::templateNetwork("cnn-morphology", {3, 32, 32}, 4);
            p.training = settings(8, 32, 1e-3, {"accuracy"});
            break;
        case 9:  // normal galaxies with a few oddballs (rings, arcs, trails, hot pixels)
            p.dataSource = simulated("anomaly", 600, 32);  // classes normal / anomaly
            p.network = NetworkPanel::templateNetwork("cnn-morphology", {1, 32, 32}, 2);
            p.training = settings(8, 32, 1e-3, {"accuracy"});
            break;
        case 10: {
            const QString boss = lessonDataDir() + "/sdss-colors/annz_boss_dr10/boss_dr10_0.csv";
            p.dataSource = tableSource(boss, {"MAG_U-MAG_G", "MAG_G-MAG_R", "MAG_R-MAG_I", "MAG_I-MAG_Z", "MAG_R"}, "Z");
            p.network = NetworkPanel::templateNetwork("mlp-photoz", {5}, 1);
            p.training = settings(30, 64, 1e-3, {"nmad", "outlier_fraction"}, "mse");
            break;
        }
        default:
            p.dataSource = DataPanel::builtInExampleSource();
            p.network = NetworkPanel::builtInExampleNetwork();
            p.training = settings(8, 32, 1e-3, {"accuracy"});
            break;
    }
    return p;
}

Json lessonGalaxyZooSource(int size) {
    const QString folder = lessonDataDir() + "/gz1-sdss";
    if (!QFileInfo::exists(folder + "/labels.csv"))
        throw InputError("the Galaxy Zoo cut-outs '" + folder.toStdString() +
                         "' (labels.csv) were not found; run DeepField from its checkout or set DEEPFIELD_DATA "
                         "to resources/data");
    return Json{{"kind", "folder"}, {"path", folder.toStdString()}, {"crop", ""},     {"image_size", size},
                {"grey", true},     {"bands", Json::array()},        {"stretch", "linear"}, {"target", ""}};
}

Json lessonBulgeDiskNetwork(const Shape& input) {
    TemplateOptions o(input, 2);
    o.depth = 2;
    o.baseFilters = 8;
    o.finalActivation = "relu";  // fluxes are never negative
    return makeTemplate("autoencoder", o).toJson();
}

VaeTrainSettings lessonVaeSettings() {
    VaeTrainSettings s;
    s.latent = 2;
    s.beta = 0.5f;
    s.klWarmupEpochs = 3;
    s.epochs = 15;
    s.learningRate = 0.002;
    s.batchSize = 32;
    s.baseFilters = 16;
    s.imageSize = 32;
    s.grey = false;
    s.seed = 0;
    return s;
}

GanSetup lessonGanSetup() {
    // A WGAN, as the lesson promises: its critic ranks the oddballs at ROC AUC 0.70 in ~20 s (the
    // DCGAN's discriminator: 0.56 after 10 epochs). Clip 0.05 as in docs/demonstrations.md: with
    // 0.01 the critic barely learns, with 0.2 it sees little but hot pixels.
    GanSetup s;
    s.options.kind = GanKind::WGAN;
    s.options.epochs = 20;
    s.options.batchSize = 32;
    s.options.seed = 1;
    s.options.criticSteps = 5;
    s.options.clipValue = 0.05f;
    s.options.sampleEvery = 5;
    s.options.sampleCount = 16;
    s.generatorLearningRate = s.criticLearningRate = 1e-4;  // RMSprop
    s.latent = 32;
    s.baseFilters = 16;
    return s;
}

}  // namespace deepfield::app
