<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>main</name>
    <message>
        <source>QAT Studio: quantization-aware training of Llama-family models to 2–4 bits.</source>
        <translation>QAT Studio: quantisierungsbewusstes Training von Modellen der Llama-Familie auf 2–4 Bit.</translation>
    </message>
    <message>
        <source>Give at most one model folder.</source>
        <translation>Geben Sie höchstens einen Modellordner an.</translation>
    </message>
    <message>
        <source>The model folder to open (config.json and safetensors weights).</source>
        <translation>Der zu öffnende Modellordner (config.json und safetensors-Gewichte).</translation>
    </message>
    <message>
        <source>A calibration text file for the Data page (may be repeated).</source>
        <translation>Eine Kalibriertextdatei für die Seite „Daten“ (mehrfach möglich).</translation>
    </message>
    <message>
        <source>An evaluation text file for the Data page (may be repeated).</source>
        <translation>Eine Evaluierungstextdatei für die Seite „Daten“ (mehrfach möglich).</translation>
    </message>
    <message>
        <source>A preset (the JSON of qat-cli quantize --config, or a run&apos;s run.json) for the Recipe and Data pages.</source>
        <translation>Eine Voreinstellung (das JSON von qat-cli quantize --config oder die run.json eines Laufs) für die Seiten „Rezept“ und „Daten“.</translation>
    </message>
    <message>
        <source>A model folder to open (the same as --model).</source>
        <translation>Ein zu öffnender Modellordner (wie --model).</translation>
    </message>
</context>
<context>
    <name>qat::AccuracyChart</name>
    <message>
        <source>Zero-shot accuracy per task and run (higher is better)</source>
        <translation>Zero-Shot-Treffergenauigkeit pro Aufgabe und Lauf (höher ist besser)</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>Treffergenauigkeit (%)</translation>
    </message>
</context>
<context>
    <name>qat::DataPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>Hin&amp;zufügen…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>&amp;Let the model write its own calibration text</source>
        <translation>Das &amp;Modell schreibt seinen Kalibriertext selbst</translation>
    </message>
    <message>
        <source>For users without data: documents sampled from the full-precision model</source>
        <translation>Für Nutzer ohne Daten: Dokumente, die das Modell in voller Genauigkeit erzeugt</translation>
    </message>
    <message>
        <source>Documents to generate</source>
        <translation>Zu erzeugende Dokumente</translation>
    </message>
    <message>
        <source>Tokens per window (paper: 2048)</source>
        <translation>Tokens pro Fenster (Paper: 2048)</translation>
    </message>
    <message>
        <source>Training windows (paper: 4096)</source>
        <translation>Trainingsfenster (Paper: 4096)</translation>
    </message>
    <message>
        <source>Validation windows, from the last 10% of the documents (paper: 64)</source>
        <translation>Validierungsfenster aus den letzten 10 % der Dokumente (Paper: 64)</translation>
    </message>
    <message>
        <source>A&amp;dd…</source>
        <translation>Hinz&amp;ufügen…</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>Entfe&amp;rnen</translation>
    </message>
    <message>
        <source>Evaluate only the first N windows of each file, for a quick look (0: all)</source>
        <translation>Nur die ersten N Fenster jeder Datei auswerten, für einen schnellen Überblick (0: alle)</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Kalibrierung</translation>
    </message>
    <message>
        <source>&amp;Window length (tokens)</source>
        <translation>&amp;Fensterlänge (Tokens)</translation>
    </message>
    <message>
        <source>&amp;Training windows</source>
        <translation>&amp;Trainingsfenster</translation>
    </message>
    <message>
        <source>&amp;Validation windows</source>
        <translation>&amp;Validierungsfenster</translation>
    </message>
    <message>
        <source>Evaluation (perplexity before and after each phase)</source>
        <translation>Evaluierung (Perplexität vor und nach jeder Phase)</translation>
    </message>
    <message>
        <source>Windows &amp;per file</source>
        <translation>Fenster &amp;pro Datei</translation>
    </message>
    <message>
        <source>Calibration text</source>
        <translation>Kalibriertext</translation>
    </message>
    <message>
        <source>Text (*.txt *.jsonl *.raw);;All files (*)</source>
        <translation>Text (*.txt *.jsonl *.raw);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Evaluation text</source>
        <translation>Evaluierungstext</translation>
    </message>
    <message>
        <source>Text or JSONL files the windows are cut from (documents separated by blank lines)</source>
        <translation>Text- oder JSONL-Dateien, aus denen die Fenster geschnitten werden (Dokumente durch Leerzeilen getrennt)</translation>
    </message>
    <message>
        <source>Text or JSONL files whose perplexity is measured in full precision and after each phase</source>
        <translation>Text- oder JSONL-Dateien, deren Perplexität in voller Genauigkeit und nach jeder Phase gemessen wird</translation>
    </message>
    <message>
        <source>Add calibration text files</source>
        <translation>Kalibriertextdateien hinzufügen</translation>
    </message>
    <message>
        <source>Add evaluation text files</source>
        <translation>Evaluierungstextdateien hinzufügen</translation>
    </message>
    <message>
        <source>The model will write %1 documents before the run.</source>
        <translation>Das Modell schreibt vor dem Lauf %1 Dokumente.</translation>
    </message>
    <message>
        <source>Add calibration text, or let the model write its own.</source>
        <translation>Fügen Sie Kalibriertext hinzu oder lassen Sie das Modell seinen eigenen schreiben.</translation>
    </message>
    <message>
        <source>Open a model to count the tokens.</source>
        <translation>Öffnen Sie ein Modell, um die Tokens zu zählen.</translation>
    </message>
    <message>
        <source>%1 documents, %2 tokens; %3 windows of %4 tokens need about %5: %6</source>
        <translation>%1 Dokumente, %2 Tokens; %3 Fenster zu %4 Tokens brauchen etwa %5: %6</translation>
    </message>
    <message>
        <source>enough</source>
        <translation>genug</translation>
    </message>
    <message>
        <source>too short: add text, or ask for fewer or shorter windows</source>
        <translation>zu kurz: fügen Sie Text hinzu oder wählen Sie weniger oder kürzere Fenster</translation>
    </message>
</context>
<context>
    <name>qat::ExportDialog</name>
    <message>
        <source>Export into folder</source>
        <translation>In Ordner exportieren</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportiere …</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
    <message>
        <source>Packed layers: %1 of %2</source>
        <translation>Gepackte Schichten: %1 von %2</translation>
    </message>
    <message>
        <source>Kept as %1 weights (%2 layers): %3</source>
        <translation>Als %1-Gewichte behalten (%2 Schichten): %3</translation>
    </message>
    <message>
        <source>Stored bits per decoder-linear weight: %1</source>
        <translation>Gespeicherte Bits pro Gewicht der Decoder-Linearschichten: %1</translation>
    </message>
    <message>
        <source>Total: %1</source>
        <translation>Gesamt: %1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Export Model</source>
        <translation>Modell exportieren</translation>
    </message>
    <message>
        <source>Run: %1</source>
        <translation>Lauf: %1</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>GPTQ v2, packed (GPTQModel, vLLM, transformers)</source>
        <translation>GPTQ v2, gepackt (GPTQModel, vLLM, transformers)</translation>
    </message>
    <message>
        <source>Dequantized weights (any Llama loader)</source>
        <translation>Dequantisierte Gewichte (jeder Llama-Lader)</translation>
    </message>
    <message>
        <source>&amp;Data type:</source>
        <translation>&amp;Datentyp:</translation>
    </message>
    <message>
        <source>The type of the embeddings, norms, head and dequantized weights</source>
        <translation>Der Typ der Embeddings, Normen, des Kopfes und der dequantisierten Gewichte</translation>
    </message>
    <message>
        <source>&amp;Destination:</source>
        <translation>&amp;Ziel:</translation>
    </message>
    <message>
        <source>The folder to create; it is written under a temporary name and renamed when complete</source>
        <translation>Der anzulegende Ordner; er wird unter einem temporären Namen geschrieben und nach Abschluss umbenannt</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>Dur&amp;chsuchen …</translation>
    </message>
    <message>
        <source>&amp;Replace the folder if it exists</source>
        <translation>Vorhandenen Ordner e&amp;rsetzen</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1: %2 von %3</translation>
    </message>
    <message>
        <source>Export cancelled: nothing was written to %1</source>
        <translation>Export abgebrochen: nach %1 wurde nichts geschrieben</translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>Stop the export; nothing is left at the destination</source>
        <translation>Den Export anhalten; am Ziel bleibt nichts zurück</translation>
    </message>
    <message>
        <source>Export to file</source>
        <translation>In Datei exportieren</translation>
    </message>
    <message>
        <source>GGUF model (*.gguf)</source>
        <translation>GGUF-Modell (*.gguf)</translation>
    </message>
    <message>
        <source>%1: %2 layers, %3 exact; relative weight error mean %4, max %5</source>
        <translation>%1: %2 Schichten, %3 exakt; relativer Gewichtsfehler Mittel %4, max. %5</translation>
    </message>
    <message>
        <source>%1 layers: %2</source>
        <translation>%1 Schichten: %2</translation>
    </message>
    <message>
        <source>Perplexity on %1 (%2 windows of %3): run %4, file read back %5 (%6%)</source>
        <translation>Perplexität auf %1 (%2 Fenster zu %3): Lauf %4, zurückgelesene Datei %5 (%6 %)</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message>
        <source>GGUF file (llama.cpp, Ollama, LM Studio)</source>
        <translation>GGUF-Datei (llama.cpp, Ollama, LM Studio)</translation>
    </message>
    <message>
        <source>GPTQ packs the integer weights (2-8 bits) with float16 scales; layers the layout cannot hold are kept dequantized and listed in the config. Dequantized writes every weight as a plain floating-point tensor. GGUF writes one file with the tokenizer inside; 4-bit runs with groups of 32, 64, 128 … are exact in it, other widths are fitted.</source>
        <translation>GPTQ packt die ganzzahligen Gewichte (2–8 Bit) mit float16-Skalen; Schichten, die das Layout nicht aufnehmen kann, bleiben dequantisiert und werden in der Konfiguration aufgeführt. Dequantisiert schreibt jedes Gewicht als gewöhnlichen Gleitkomma-Tensor. GGUF schreibt eine Datei mit dem Tokenizer darin; 4-Bit-Läufe mit Gruppen von 32, 64, 128 … sind darin exakt, andere Breiten werden angepasst.</translation>
    </message>
    <message>
        <source>&amp;Layer type:</source>
        <translation>&amp;Schichttyp:</translation>
    </message>
    <message>
        <source>Automatic (exact where a type holds the run)</source>
        <translation>Automatisch (exakt, wo ein Typ den Lauf fasst)</translation>
    </message>
    <message>
        <source>The ggml type of the decoder linears. Q4_1 holds an asymmetric 4-bit run exactly, Q4_0 a symmetric one, Q8_0 an 8-bit one; Q2_K, Q3_K and Q4_K are fitted to the run&apos;s weights.</source>
        <translation>Der ggml-Typ der linearen Decoder-Schichten. Q4_1 fasst einen asymmetrischen 4-Bit-Lauf exakt, Q4_0 einen symmetrischen, Q8_0 einen 8-Bit-Lauf; Q2_K, Q3_K und Q4_K werden an die Gewichte des Laufs angepasst.</translation>
    </message>
    <message>
        <source>E&amp;mbeddings:</source>
        <translation>E&amp;mbeddings:</translation>
    </message>
    <message>
        <source>The type of the token embedding (and of an untied output head)</source>
        <translation>Der Typ des Token-Embeddings (und eines ungebundenen Ausgabekopfs)</translation>
    </message>
    <message>
        <source>Read the file back and compare its &amp;perplexity with the run&apos;s</source>
        <translation>Datei zurücklesen und ihre &amp;Perplexität mit der des Laufs vergleichen</translation>
    </message>
    <message>
        <source>On the run&apos;s evaluation text, its first windows; takes about as long as two evaluations</source>
        <translation>Auf dem Auswertungstext des Laufs, seinen ersten Fenstern; dauert etwa so lange wie zwei Auswertungen</translation>
    </message>
</context>
<context>
    <name>qat::ExportWorker</name>
    <message>
        <source>Converting layers</source>
        <translation>Schichten umwandeln</translation>
    </message>
    <message>
        <source>Writing files</source>
        <translation>Dateien schreiben</translation>
    </message>
    <message>
        <source>Measuring the file read back</source>
        <translation>Zurückgelesene Datei wird gemessen</translation>
    </message>
</context>
<context>
    <name>qat::Format</name>
    <message>
        <source>scalar</source>
        <translation>Skalar</translation>
    </message>
</context>
<context>
    <name>qat::MainWindow</name>
    <message>
        <source>Open the Demo</source>
        <translation>Demo öffnen</translation>
    </message>
    <message>
        <source>The bundled demo is not installed (share/qat-studio beside the program).</source>
        <translation>Die mitgelieferte Demo ist nicht installiert (share/qat-studio neben dem Programm).</translation>
    </message>
    <message>
        <source>Opened %1: %2 parameters</source>
        <translation>%1 geöffnet: %2 Parameter</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>%1 konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>No recent models</source>
        <translation>Keine zuletzt geöffneten Modelle</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open Model Folder…</source>
        <translation>Modellordner ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About QAT Studio</source>
        <translation>Ü&amp;ber QAT Studio</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>About QAT Studio</source>
        <translation>Über QAT Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;QAT Studio %1&lt;/h3&gt;&lt;p&gt;Quantization-aware training of Llama-family models to 2–4 bits.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;QAT Studio %1&lt;/h3&gt;&lt;p&gt;Quantisierungsbewusstes Training von Modellen der Llama-Familie auf 2–4 Bit.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1: kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>A run is in progress.</source>
        <translation>Ein Lauf ist im Gange.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: no such calibration file</source>
        <translation>%1: keine solche Kalibrierdatei</translation>
    </message>
    <message>
        <source>%1: no such evaluation file</source>
        <translation>%1: keine solche Evaluierungsdatei</translation>
    </message>
    <message>
        <source>A run is in progress</source>
        <translation>Ein Lauf ist im Gange</translation>
    </message>
    <message>
        <source>Stop the run and quit? The run folder keeps every finished block, and the run can be resumed later.</source>
        <translation>Den Lauf anhalten und beenden? Der Laufordner behält jeden fertigen Block, und der Lauf kann später fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>R&amp;un</source>
        <translation>&amp;Lauf</translation>
    </message>
    <message>
        <source>&amp;Start Run</source>
        <translation>Lauf &amp;starten</translation>
    </message>
    <message>
        <source>Start (or resume) the job on the Run page (%1)</source>
        <translation>Den Auftrag auf der Seite „Lauf“ starten oder fortsetzen (%1)</translation>
    </message>
    <message>
        <source>&amp;Cancel Run</source>
        <translation>Lauf &amp;abbrechen</translation>
    </message>
    <message>
        <source>Stop the run at the next step; it can be resumed (%1)</source>
        <translation>Den Lauf beim nächsten Schritt anhalten; er kann fortgesetzt werden (%1)</translation>
    </message>
</context>
<context>
    <name>qat::ModelFactsView</name>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <source>%1 files</source>
        <translation>%1 Dateien</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>Architektur:</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>Parameter:</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>Schichten:</translation>
    </message>
    <message>
        <source>Hidden size:</source>
        <translation>Verborgene Dimension:</translation>
    </message>
    <message>
        <source>Intermediate size:</source>
        <translation>Zwischendimension:</translation>
    </message>
    <message>
        <source>Heads / KV heads:</source>
        <translation>Köpfe / KV-Köpfe:</translation>
    </message>
    <message>
        <source>Head dimension:</source>
        <translation>Kopfdimension:</translation>
    </message>
    <message>
        <source>Vocabulary:</source>
        <translation>Vokabular:</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>Kontextlänge:</translation>
    </message>
    <message>
        <source>Weight type:</source>
        <translation>Gewichtstyp:</translation>
    </message>
    <message>
        <source>Size on disk:</source>
        <translation>Größe auf dem Datenträger:</translation>
    </message>
    <message>
        <source>Weight files:</source>
        <translation>Gewichtsdateien:</translation>
    </message>
    <message>
        <source>Tied embeddings:</source>
        <translation>Gekoppelte Embeddings:</translation>
    </message>
    <message>
        <source>BOS %1 (id %2)</source>
        <translation>BOS %1 (ID %2)</translation>
    </message>
    <message>
        <source>no BOS</source>
        <translation>kein BOS</translation>
    </message>
    <message>
        <source>%1
%2 ids; EOS %3; BOS %4</source>
        <translation>%1
%2 IDs; EOS %3; BOS %4</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keins</translation>
    </message>
    <message>
        <source>added to prompts</source>
        <translation>wird Eingaben vorangestellt</translation>
    </message>
    <message>
        <source>not added to prompts</source>
        <translation>wird Eingaben nicht vorangestellt</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keiner</translation>
    </message>
    <message>
        <source>No tokenizer.json or tokenizer.model in the folder</source>
        <translation>Kein tokenizer.json oder tokenizer.model im Ordner</translation>
    </message>
    <message>
        <source>Tokenizer:</source>
        <translation>Tokenizer:</translation>
    </message>
</context>
<context>
    <name>qat::ModelPage</name>
    <message>
        <source>Open the &amp;Demo</source>
        <translation>&amp;Demo öffnen</translation>
    </message>
    <message>
        <source>Open the bundled stories260K model with its calibration and evaluation text and the EfficientQAT W2 g64 demo preset: then Start runs it</source>
        <translation>Das mitgelieferte Modell stories260K mit seinem Kalibrierungs- und Evaluierungstext und der EfficientQAT-Demo-Voreinstellung W2 g64 öffnen: danach startet „Starten“ den Lauf</translation>
    </message>
    <message>
        <source>Choose a Model Folder</source>
        <translation>Modellordner auswählen</translation>
    </message>
    <message>
        <source>Model &amp;folder:</source>
        <translation>Modell&amp;ordner:</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation>Modellordner auswählen</translation>
    </message>
    <message>
        <source>Recently opened model folders</source>
        <translation>Zuletzt geöffnete Modellordner</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose a folder holding config.json and the safetensors weights</source>
        <translation>Einen Ordner mit config.json und den safetensors-Gewichten auswählen</translation>
    </message>
    <message>
        <source>No model is open.

Choose a Hugging Face model folder (config.json, *.safetensors, tokenizer.model) with Browse…, pick a recent one, or drop a folder onto this window.</source>
        <translation>Kein Modell geöffnet.

Wählen Sie mit „Durchsuchen…“ einen Hugging-Face-Modellordner (config.json, *.safetensors, tokenizer.model), nehmen Sie einen zuletzt geöffneten oder ziehen Sie einen Ordner auf dieses Fenster.</translation>
    </message>
    <message>
        <source>Parameters per block</source>
        <translation>Parameter pro Block</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>Tensoren</translation>
    </message>
    <message>
        <source>Filter by name</source>
        <translation>Nach Namen filtern</translation>
    </message>
    <message>
        <source>Could not open the model folder %1:
%2</source>
        <translation>Der Modellordner %1 konnte nicht geöffnet werden:
%2</translation>
    </message>
    <message>
        <source>Run estimate</source>
        <translation>Bedarf eines Laufs</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>Speicher:</translation>
    </message>
    <message>
        <source>Disk:</source>
        <translation>Festplatte:</translation>
    </message>
    <message>
        <source>%1, and %2 of activation caches while Block-AP runs</source>
        <translation>%1, und %2 Aktivierungsspeicher, solange Block-AP läuft</translation>
    </message>
    <message>
        <source>For round-to-nearest W%1 g%2 (the Recipe page&apos;s).</source>
        <translation>Für Runden zum Nächsten W%1 g%2 (von der Seite „Rezept“).</translation>
    </message>
    <message>
        <source>For %1 W%2 g%3 on %4 windows of %5 tokens, batch %6 (the Recipe and Data pages&apos;).</source>
        <translation>Für %1 W%2 g%3 auf %4 Fenstern zu %5 Tokens, Batch %6 (von den Seiten „Rezept“ und „Daten“).</translation>
    </message>
    <message>
        <source>At the peak: the model in its compute type plus Block-AP&apos;s activation caches and one block&apos;s training state, or E2E-QP&apos;s activations and logits; for LR-QAT, Φ0, the adapters and step sizes with their optimizer state, and the activations and logits. Disk: the run folder (block checkpoints, quantized state, E2E-QP&apos;s or LR-QAT&apos;s checkpoint). Within tens of percent.</source>
        <translation>Speicher zur Spitze: das Modell im Rechenformat plus die Aktivierungsspeicher von Block-AP und der Trainingszustand eines Blocks, oder die Aktivierungen und Logits von E2E-QP; bei LR-QAT Φ0, die Adapter und Schrittweiten mit ihrem Optimiererzustand sowie die Aktivierungen und Logits. Festplatte: der Laufordner (Block-Checkpoints, quantisierter Zustand, Checkpoint von E2E-QP oder LR-QAT). Auf einige zehn Prozent genau.</translation>
    </message>
</context>
<context>
    <name>qat::ParameterChart</name>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Parameters (billions)</source>
        <translation>Parameter (Milliarden)</translation>
    </message>
    <message>
        <source>Parameters (millions)</source>
        <translation>Parameter (Millionen)</translation>
    </message>
    <message>
        <source>Parameters (thousands)</source>
        <translation>Parameter (Tausend)</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>Embed.
+ head</source>
        <translation>Embed.
+ Kopf</translation>
    </message>
    <message>
        <source>Embed.</source>
        <translation>Embed.</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>Kopf</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
    <message>
        <source>Embedding, tied with the output head (final norm included)</source>
        <translation>Embedding, mit dem Ausgabekopf gekoppelt (einschließlich der letzten Norm)</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>Embedding</translation>
    </message>
    <message>
        <source>Decoder layer %1</source>
        <translation>Decoderschicht %1</translation>
    </message>
    <message>
        <source>Output head and final norm</source>
        <translation>Ausgabekopf und letzte Norm</translation>
    </message>
    <message>
        <source>Other tensors</source>
        <translation>Sonstige Tensoren</translation>
    </message>
    <message>
        <source>%1
Parameters: %2
Tensors: %3</source>
        <translation>%1
Parameter: %2
Tensoren: %3</translation>
    </message>
</context>
<context>
    <name>qat::RecipePage</name>
    <message>
        <source>EfficientQAT (Block-AP, then E2E-QP)</source>
        <translation>EfficientQAT (Block-AP, dann E2E-QP)</translation>
    </message>
    <message>
        <source>Block-AP only</source>
        <translation>Nur Block-AP</translation>
    </message>
    <message>
        <source>Round-to-nearest (no training)</source>
        <translation>Runden zum Nächsten (ohne Training)</translation>
    </message>
    <message>
        <source>Bits per weight: integers in [0, 2^bits - 1]</source>
        <translation>Bits pro Gewicht: ganze Zahlen in [0, 2^Bits − 1]</translation>
    </message>
    <message>
        <source>whole row</source>
        <translation>ganze Zeile</translation>
    </message>
    <message>
        <source>Weights per group along the input dimension, each with its own step size and zero point</source>
        <translation>Gewichte pro Gruppe entlang der Eingangsdimension, jede mit eigener Schrittweite und eigenem Nullpunkt</translation>
    </message>
    <message>
        <source>Block-AP passes over the training windows per block (paper: 2)</source>
        <translation>Block-AP-Durchgänge über die Trainingsfenster pro Block (Paper: 2)</translation>
    </message>
    <message>
        <source>Block-AP windows per optimizer step (paper: 2)</source>
        <translation>Block-AP-Fenster pro Optimiererschritt (Paper: 2)</translation>
    </message>
    <message>
        <source>Block-AP learning rate of the weights and norms; 0: by bits (paper: 2e-5 at 2 bits, 1e-5 above)</source>
        <translation>Block-AP-Lernrate der Gewichte und Normen; 0: nach Bits (Paper: 2e-5 bei 2 Bits, 1e-5 darüber)</translation>
    </message>
    <message>
        <source>Block-AP learning rate of the step sizes and zero points (paper: 1e-4)</source>
        <translation>Block-AP-Lernrate der Schrittweiten und Nullpunkte (Paper: 1e-4)</translation>
    </message>
    <message>
        <source>Train the norm weights</source>
        <translation>Normgewichte trainieren</translation>
    </message>
    <message>
        <source>Block-AP trains the two RMSNorm weights of each block (paper: yes)</source>
        <translation>Block-AP trainiert die beiden RMSNorm-Gewichte jedes Blocks (Paper: ja)</translation>
    </message>
    <message>
        <source>Storage of Block-AP&apos;s activation caches (paper: float16)</source>
        <translation>Speicherformat der Aktivierungsspeicher von Block-AP (Paper: float16)</translation>
    </message>
    <message>
        <source>E2E-QP peak learning rate of the step sizes; 0: by bits (paper: 2e-5 at 2 bits, 1e-5 above)</source>
        <translation>E2E-QP-Spitzenlernrate der Schrittweiten; 0: nach Bits (Paper: 2e-5 bei 2 Bits, 1e-5 darüber)</translation>
    </message>
    <message>
        <source>E2E-QP passes over the training windows (paper: 1)</source>
        <translation>E2E-QP-Durchgänge über die Trainingsfenster (Paper: 1)</translation>
    </message>
    <message>
        <source>E2E-QP windows per forward and backward pass (paper: 2)</source>
        <translation>E2E-QP-Fenster pro Vorwärts- und Rückwärtsdurchlauf (Paper: 2)</translation>
    </message>
    <message>
        <source>E2E-QP micro-batches per optimizer step (paper: 16, an effective batch of 32)</source>
        <translation>E2E-QP-Mikrobatches pro Optimiererschritt (Paper: 16, ein effektiver Batch von 32)</translation>
    </message>
    <message>
        <source>E2E-QP gradient-norm clip, 0 for none (paper: 0.3)</source>
        <translation>E2E-QP-Begrenzung der Gradientennorm, 0 für keine (Paper: 0,3)</translation>
    </message>
    <message>
        <source>Also train the zero points</source>
        <translation>Auch die Nullpunkte trainieren</translation>
    </message>
    <message>
        <source>E2E-QP trains the step sizes only by default (paper)</source>
        <translation>E2E-QP trainiert standardmäßig nur die Schrittweiten (Paper)</translation>
    </message>
    <message>
        <source>&amp;Load Preset…</source>
        <translation>Vor&amp;einstellung laden…</translation>
    </message>
    <message>
        <source>&amp;Save Preset…</source>
        <translation>Voreinstellung &amp;speichern…</translation>
    </message>
    <message>
        <source>&amp;Method</source>
        <translation>&amp;Methode</translation>
    </message>
    <message>
        <source>&amp;Bits</source>
        <translation>&amp;Bits</translation>
    </message>
    <message>
        <source>&amp;Group size</source>
        <translation>&amp;Gruppengröße</translation>
    </message>
    <message>
        <source>Bits per parameter</source>
        <translation>Bits pro Parameter</translation>
    </message>
    <message>
        <source>Quantized size</source>
        <translation>Quantisierte Größe</translation>
    </message>
    <message>
        <source>A&amp;dvanced</source>
        <translation>Er&amp;weitert</translation>
    </message>
    <message>
        <source>Block-AP epochs</source>
        <translation>Block-AP-Epochen</translation>
    </message>
    <message>
        <source>Block-AP batch</source>
        <translation>Block-AP-Batch</translation>
    </message>
    <message>
        <source>Block-AP weight lr</source>
        <translation>Block-AP-Lernrate Gewichte</translation>
    </message>
    <message>
        <source>Block-AP scale / zero lr</source>
        <translation>Block-AP-Lernrate Skalen / Nullpunkte</translation>
    </message>
    <message>
        <source>Activation caches</source>
        <translation>Aktivierungsspeicher</translation>
    </message>
    <message>
        <source>E2E-QP lr</source>
        <translation>E2E-QP-Lernrate</translation>
    </message>
    <message>
        <source>E2E-QP epochs</source>
        <translation>E2E-QP-Epochen</translation>
    </message>
    <message>
        <source>E2E-QP batch</source>
        <translation>E2E-QP-Batch</translation>
    </message>
    <message>
        <source>E2E-QP accumulation</source>
        <translation>E2E-QP-Akkumulation</translation>
    </message>
    <message>
        <source>E2E-QP gradient clip</source>
        <translation>E2E-QP-Gradientenbegrenzung</translation>
    </message>
    <message>
        <source>Load preset</source>
        <translation>Voreinstellung laden</translation>
    </message>
    <message>
        <source>Presets (*.json)</source>
        <translation>Voreinstellungen (*.json)</translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>Voreinstellung speichern</translation>
    </message>
    <message>
        <source>Read a recipe from a preset or a run&apos;s run.json (qat-cli quantize --config files)</source>
        <translation>Ein Rezept aus einer Voreinstellung oder der run.json eines Laufs lesen (Dateien für qat-cli quantize --config)</translation>
    </message>
    <message>
        <source>Write this recipe as a preset that qat-cli quantize --config and this page can read</source>
        <translation>Dieses Rezept als Voreinstellung schreiben, die qat-cli quantize --config und diese Seite lesen können</translation>
    </message>
    <message>
        <source>about %1 for the decoder weights</source>
        <translation>etwa %1 für die Decoder-Gewichte</translation>
    </message>
    <message>
        <source>open a model to see</source>
        <translation>zum Anzeigen ein Modell öffnen</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1: kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>%1: cannot be written</source>
        <translation>%1: kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>LR-QAT (low-rank adapters, end to end)</source>
        <translation>LR-QAT (Low-Rank-Adapter, durchgehend)</translation>
    </message>
    <message>
        <source>LR-QAT rank r of the adapters A (out × r) and B (r × in) in every decoder linear (paper: 32)</source>
        <translation>LR-QAT-Rang r der Adapter A (out × r) und B (r × in) in jeder linearen Decoder-Schicht (Paper: 32)</translation>
    </message>
    <message>
        <source>= rank</source>
        <translation>= Rang</translation>
    </message>
    <message>
        <source>LR-QAT scale α: the adapters&apos; product A·B is multiplied by α / r; 0: α = r (the default)</source>
        <translation>LR-QAT-Skalierung α: das Produkt A·B der Adapter wird mit α / r multipliziert; 0: α = r (Standard)</translation>
    </message>
    <message>
        <source>LR-QAT peak learning rate of the adapters A and B, after a linear warm-up, then decaying linearly to 0 (paper: 1e-3)</source>
        <translation>LR-QAT-Spitzenlernrate der Adapter A und B, nach linearem Aufwärmen, danach linear auf 0 fallend (Paper: 1e-3)</translation>
    </message>
    <message>
        <source>LR-QAT peak learning rate of the step sizes; 0 keeps them at their initial range (paper: 1e-5)</source>
        <translation>LR-QAT-Spitzenlernrate der Schrittweiten; 0 belässt sie bei ihrem Anfangsbereich (Paper: 1e-5)</translation>
    </message>
    <message>
        <source>LR-QAT passes over the training windows, when no number of steps is given (default: 1)</source>
        <translation>LR-QAT-Durchgänge über die Trainingsfenster, wenn keine Schrittzahl angegeben ist (Standard: 1)</translation>
    </message>
    <message>
        <source>by epochs</source>
        <translation>nach Epochen</translation>
    </message>
    <message>
        <source>LR-QAT optimizer steps in all, instead of epochs; 0: as many as the epochs take</source>
        <translation>LR-QAT-Optimiererschritte insgesamt, statt Epochen; 0: so viele, wie die Epochen ergeben</translation>
    </message>
    <message>
        <source>LR-QAT windows per forward and backward pass (default: 2)</source>
        <translation>LR-QAT-Fenster pro Vorwärts- und Rückwärtsdurchlauf (Standard: 2)</translation>
    </message>
    <message>
        <source>How LR-QAT keeps the frozen Φ0 = W0 / s0: int8 fixed point (1 byte per weight, the default), bfloat16 (2 bytes) or float32 (4 bytes, exact)</source>
        <translation>Wie LR-QAT das eingefrorene Φ0 = W0 / s0 speichert: int8-Festkomma (1 Byte pro Gewicht, Standard), bfloat16 (2 Byte) oder float32 (4 Byte, exakt)</translation>
    </message>
    <message>
        <source>Symmetric (signed integers, no zero point)</source>
        <translation>Symmetrisch (vorzeichenbehaftete ganze Zahlen, kein Nullpunkt)</translation>
    </message>
    <message>
        <source>Round-to-nearest with integers in [-2^(bits-1), 2^(bits-1) - 1] and step sizes from the range search below; off: min-max with a zero point per group (EfficientQAT&apos;s form)</source>
        <translation>Runden zum Nächsten mit ganzen Zahlen in [−2^(Bits−1), 2^(Bits−1) − 1] und Schrittweiten aus der Bereichssuche unten; aus: Min-Max mit einem Nullpunkt pro Gruppe (die Form von EfficientQAT)</translation>
    </message>
    <message>
        <source>Lp search</source>
        <translation>Lp-Suche</translation>
    </message>
    <message>
        <source>min-max</source>
        <translation>Min-Max</translation>
    </message>
    <message>
        <source>How the symmetric step sizes start: per group, the step with the smallest Lp error (paper), or min-max, which clips no weight</source>
        <translation>Womit die symmetrischen Schrittweiten beginnen: pro Gruppe die Schrittweite mit dem kleinsten Lp-Fehler (Paper) oder Min-Max, das kein Gewicht abschneidet</translation>
    </message>
    <message>
        <source>The norm p of the Lp range search (paper: 4)</source>
        <translation>Die Norm p der Lp-Bereichssuche (Paper: 4)</translation>
    </message>
    <message>
        <source>LR-QAT rank</source>
        <translation>LR-QAT-Rang</translation>
    </message>
    <message>
        <source>LR-QAT alpha</source>
        <translation>LR-QAT-Alpha</translation>
    </message>
    <message>
        <source>LR-QAT adapter lr</source>
        <translation>LR-QAT-Lernrate Adapter</translation>
    </message>
    <message>
        <source>LR-QAT step-size lr</source>
        <translation>LR-QAT-Lernrate Schrittweiten</translation>
    </message>
    <message>
        <source>LR-QAT epochs</source>
        <translation>LR-QAT-Epochen</translation>
    </message>
    <message>
        <source>LR-QAT steps</source>
        <translation>LR-QAT-Schritte</translation>
    </message>
    <message>
        <source>LR-QAT batch</source>
        <translation>LR-QAT-Batch</translation>
    </message>
    <message>
        <source>Φ0 storage</source>
        <translation>Φ0-Speicherformat</translation>
    </message>
    <message>
        <source>Step-size init</source>
        <translation>Start der Schrittweiten</translation>
    </message>
    <message>
        <source>Lp norm p</source>
        <translation>Lp-Norm p</translation>
    </message>
    <message>
        <source>GPTQ (one-shot, no training)</source>
        <translation>GPTQ (in einem Durchgang, ohne Training)</translation>
    </message>
    <message>
        <source>EfficientQAT trains each block (Block-AP), then the step sizes end to end (E2E-QP); Block-AP alone stops after the first phase; LR-QAT trains low-rank adapters inside the rounding and the step sizes end to end, then merges the adapters into the integers; round-to-nearest needs no data; GPTQ rounds each layer column by column, correcting the columns left with the calibration inputs&apos; Hessian, in minutes</source>
        <translation>EfficientQAT trainiert jeden Block (Block-AP), dann die Schrittweiten durchgängig (E2E-QP); Block-AP allein endet nach der ersten Phase; LR-QAT trainiert Low-Rank-Adapter innerhalb der Rundung und die Schrittweiten durchgängig und führt die Adapter dann in die Ganzzahlen über; Runden auf den nächsten Wert braucht keine Daten; GPTQ rundet jede Schicht Spalte für Spalte und korrigiert die verbleibenden Spalten mit der Hesse-Matrix der Kalibrierungseingaben, in Minuten</translation>
    </message>
    <message>
        <source>GPTQ dampening: this fraction of the mean diagonal of the inputs&apos; Hessian is added to it (reference: 0.01); more is retried automatically when the Hessian cannot be factored</source>
        <translation>GPTQ-Dämpfung: dieser Anteil der mittleren Diagonale der Hesse-Matrix der Eingaben wird zu ihr addiert (Referenz: 0,01); lässt sie sich nicht zerlegen, wird automatisch mit mehr versucht</translation>
    </message>
    <message>
        <source>GPTQ columns per lazy batch update (reference: 128); a matter of speed only, the result is the same</source>
        <translation>GPTQ-Spalten je verzögerter Stapelaktualisierung (Referenz: 128); nur eine Frage der Geschwindigkeit, das Ergebnis ist dasselbe</translation>
    </message>
    <message>
        <source>GPTQ windows per forward pass while collecting the layers&apos; inputs (default: 8)</source>
        <translation>GPTQ-Fenster je Vorwärtsdurchlauf beim Sammeln der Schichteingaben (Standard: 8)</translation>
    </message>
    <message>
        <source>GPTQ dampening</source>
        <translation>GPTQ-Dämpfung</translation>
    </message>
    <message>
        <source>GPTQ block size</source>
        <translation>GPTQ-Blockgröße</translation>
    </message>
    <message>
        <source>GPTQ batch</source>
        <translation>GPTQ-Stapel</translation>
    </message>
</context>
<context>
    <name>qat::ResultsChart</name>
    <message>
        <source>Perplexity per run and evaluation set (lower is better)</source>
        <translation>Perplexität pro Lauf und Evaluierungsdatensatz (niedriger ist besser)</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>Perplexität</translation>
    </message>
</context>
<context>
    <name>qat::ResultsModel</name>
    <message>
        <source>%1 · full precision</source>
        <translation>%1 · volle Genauigkeit</translation>
    </message>
    <message>
        <source>%1 W%2 g%3</source>
        <translation>%1 W%2 g%3</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>partial</source>
        <translation>unvollständig</translation>
    </message>
    <message>
        <source>Not finished: select it and press Resume to continue it on the Run page</source>
        <translation>Nicht fertig: auswählen und „Fortsetzen“ drücken, um ihn auf der Seite „Lauf“ fortzusetzen</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Bits/param</source>
        <translation>Bits/Param.</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>PPL %1</source>
        <translation>PPL %1</translation>
    </message>
    <message>
        <source>Storage per weight of the decoder linears: the code plus each group&apos;s 16-bit scale and zero point</source>
        <translation>Speicher pro Gewicht der linearen Decoder-Schichten: der Code plus Skala und Nullpunkt (16 Bit) jeder Gruppe</translation>
    </message>
    <message>
        <source>The packed model: decoder linears at their bits per parameter, embeddings, norms and head at 16 bits (full precision: the weight files)</source>
        <translation>Das gepackte Modell: lineare Decoder-Schichten mit ihren Bits pro Parameter, Einbettungen, Normen und Kopf mit 16 Bit (volle Genauigkeit: die Gewichtsdateien)</translation>
    </message>
    <message>
        <source>Time the run had spent when this stage&apos;s evaluation ended (all sessions of a resumed run)</source>
        <translation>Zeit, die der Lauf bis zum Ende der Evaluierung dieser Stufe gebraucht hat (alle Sitzungen eines fortgesetzten Laufs)</translation>
    </message>
    <message>
        <source>Perplexity on %1 (file · window length × windows); lower is better</source>
        <translation>Perplexität auf %1 (Datei · Fensterlänge × Fenster); niedriger ist besser</translation>
    </message>
    <message>
        <source>Δ avg acc</source>
        <translation>Δ Ø acc</translation>
    </message>
    <message>
        <source>Avg acc</source>
        <translation>Ø acc</translation>
    </message>
    <message>
        <source>Δ %1</source>
        <translation>Δ %1</translation>
    </message>
    <message>
        <source> (the difference to full precision, in points)</source>
        <translation> (die Differenz zur vollen Genauigkeit, in Prozentpunkten)</translation>
    </message>
    <message>
        <source>Mean zero-shot accuracy (%) over the tasks this row measured</source>
        <translation>Mittlere Zero-Shot-Treffergenauigkeit (%) über die Aufgaben, die diese Zeile gemessen hat</translation>
    </message>
    <message>
        <source>Zero-shot accuracy (%) on %1, lm-eval&apos;s acc; higher is better</source>
        <translation>Zero-Shot-Treffergenauigkeit (%) auf %1, acc von lm-eval; höher ist besser</translation>
    </message>
    <message>
        <source>Zero-shot accuracy (%) on the first %2 items of %1, lm-eval&apos;s acc; higher is better</source>
        <translation>Zero-Shot-Treffergenauigkeit (%) auf den ersten %2 Beispielen von %1, acc von lm-eval; höher ist besser</translation>
    </message>
    <message>
        <source>× PPL %1</source>
        <translation>× PPL %1</translation>
    </message>
</context>
<context>
    <name>qat::ResultsPage</name>
    <message>
        <source>%1 (full precision)</source>
        <translation>%1 (volle Genauigkeit)</translation>
    </message>
    <message>
        <source>%1 (%2 W%3 g%4)</source>
        <translation>%1 (%2 W%3 g%4)</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>Wird erzeugt…</translation>
    </message>
    <message>
        <source>(%1 tokens in %2 s)</source>
        <translation>(%1 Tokens in %2 s)</translation>
    </message>
    <message>
        <source>Could not generate: %1</source>
        <translation>Erzeugen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Save Chart</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Runs in %1</source>
        <translation>Läufe in %1</translation>
    </message>
    <message>
        <source>Rel&amp;oad</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Read the workspace&apos;s run folders again</source>
        <translation>Die Laufordner des Arbeitsordners neu einlesen</translation>
    </message>
    <message>
        <source>&amp;Resume…</source>
        <translation>&amp;Fortsetzen…</translation>
    </message>
    <message>
        <source>Open the selected unfinished run on the Run page to continue it</source>
        <translation>Den ausgewählten unfertigen Lauf auf der Seite „Lauf“ öffnen, um ihn fortzusetzen</translation>
    </message>
    <message>
        <source>Save &amp;Chart…</source>
        <translation>Diagramm s&amp;peichern…</translation>
    </message>
    <message>
        <source>No runs in the workspace yet: start one on the Run page, or choose another workspace in Settings.</source>
        <translation>Noch keine Läufe im Arbeitsordner: starten Sie einen auf der Seite „Lauf“ oder wählen Sie in den Einstellungen einen anderen Arbeitsordner.</translation>
    </message>
    <message>
        <source>Compare generations</source>
        <translation>Erzeugte Texte vergleichen</translation>
    </message>
    <message>
        <source>&amp;Left:</source>
        <translation>Lin&amp;ks:</translation>
    </message>
    <message>
        <source>R&amp;ight:</source>
        <translation>&amp;Rechts:</translation>
    </message>
    <message>
        <source>The model that writes the left text: full precision or a finished run</source>
        <translation>Das Modell, das den linken Text schreibt: volle Genauigkeit oder ein fertiger Lauf</translation>
    </message>
    <message>
        <source>The model that writes the right text: full precision or a finished run</source>
        <translation>Das Modell, das den rechten Text schreibt: volle Genauigkeit oder ein fertiger Lauf</translation>
    </message>
    <message>
        <source>&amp;Prompt:</source>
        <translation>&amp;Eingabe:</translation>
    </message>
    <message>
        <source>Both models continue this text, greedily (the most likely token each step)</source>
        <translation>Beide Modelle setzen diesen Text gierig fort (in jedem Schritt das wahrscheinlichste Token)</translation>
    </message>
    <message>
        <source>&amp;Tokens:</source>
        <translation>&amp;Tokens:</translation>
    </message>
    <message>
        <source>How many new tokens each model writes at most</source>
        <translation>Wie viele neue Tokens jedes Modell höchstens schreibt</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generieren</translation>
    </message>
    <message>
        <source>Generate with both models (on a worker thread; models stay loaded for the next prompt)</source>
        <translation>Mit beiden Modellen erzeugen (in einem Hintergrund-Thread; die Modelle bleiben für die nächste Eingabe geladen)</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren …</translation>
    </message>
    <message>
        <source>Write the selected finished run as a model folder other tools load (GPTQ packed or dequantized)</source>
        <translation>Den gewählten abgeschlossenen Lauf als Modellordner schreiben, den andere Werkzeuge laden (GPTQ gepackt oder dequantisiert)</translation>
    </message>
    <message>
        <source>Export Table</source>
        <translation>Tabelle exportieren</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV-Tabelle (*.csv)</translation>
    </message>
    <message>
        <source>Save the chart shown (perplexity or accuracy) as a PNG image or a PDF document</source>
        <translation>Das angezeigte Diagramm (Perplexität oder Treffergenauigkeit) als PNG-Bild oder PDF-Dokument speichern</translation>
    </message>
    <message>
        <source>Export &amp;Table…</source>
        <translation>Ta&amp;belle exportieren…</translation>
    </message>
    <message>
        <source>Write the table as a CSV file (numbers as measured: perplexity, accuracy 0-1)</source>
        <translation>Die Tabelle als CSV-Datei schreiben (Zahlen wie gemessen: Perplexität, Treffergenauigkeit 0–1)</translation>
    </message>
    <message>
        <source>× / Δ against f&amp;ull precision</source>
        <translation>× / Δ gegenüber &amp;voller Genauigkeit</translation>
    </message>
    <message>
        <source>Show perplexity as a multiple of its model&apos;s full precision and accuracy as the difference in points</source>
        <translation>Perplexität als Vielfaches des Werts in voller Genauigkeit ihres Modells und Treffergenauigkeit als Differenz in Prozentpunkten zeigen</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Treffergenauigkeit</translation>
    </message>
</context>
<context>
    <name>qat::RunCharts</name>
    <message>
        <source>Current block: training loss (line), validation loss (dots)</source>
        <translation>Aktueller Block: Trainingsverlust (Linie), Validierungsverlust (Punkte)</translation>
    </message>
    <message>
        <source>Reconstruction MSE per block</source>
        <translation>Rekonstruktions-MSE pro Block</translation>
    </message>
    <message>
        <source>Perplexity per stage</source>
        <translation>Perplexität pro Stufe</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <source>block</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>before</source>
        <translation>vorher</translation>
    </message>
    <message>
        <source>after Block-AP</source>
        <translation>nach Block-AP</translation>
    </message>
    <message>
        <source>optimizer step</source>
        <translation>Optimiererschritt</translation>
    </message>
    <message>
        <source>cross entropy</source>
        <translation>Kreuzentropie</translation>
    </message>
    <message>
        <source>stage</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <source>LR-QAT: training loss (line), validation loss (dots)</source>
        <translation>LR-QAT: Trainingsverlust (Linie), Validierungsverlust (Punkte)</translation>
    </message>
    <message>
        <source>E2E-QP: training loss (line), validation loss (dots)</source>
        <translation>E2E-QP: Trainingsverlust (Linie), Validierungsverlust (Punkte)</translation>
    </message>
    <message>
        <source>round-to-nearest</source>
        <translation>Runden auf den nächsten Wert</translation>
    </message>
    <message>
        <source>GPTQ</source>
        <translation>GPTQ</translation>
    </message>
</context>
<context>
    <name>qat::RunHistory</name>
    <message>
        <source>Full precision</source>
        <translation>Volle Genauigkeit</translation>
    </message>
    <message>
        <source>RTN</source>
        <translation>RTN</translation>
    </message>
    <message>
        <source>Block-AP</source>
        <translation>Block-AP</translation>
    </message>
    <message>
        <source>EfficientQAT</source>
        <translation>EfficientQAT</translation>
    </message>
    <message>
        <source>LR-QAT</source>
        <translation>LR-QAT</translation>
    </message>
    <message>
        <source>GPTQ</source>
        <translation>GPTQ</translation>
    </message>
</context>
<context>
    <name>qat::RunPage</name>
    <message>
        <source>No job yet: choose a model, a recipe and data first.</source>
        <translation>Noch kein Auftrag: wählen Sie zuerst ein Modell, ein Rezept und Daten.</translation>
    </message>
    <message>
        <source>%1 · %2 · W%3 g%4 → %5</source>
        <translation>%1 · %2 · W%3 g%4 → %5</translation>
    </message>
    <message>
        <source>%1 left in this phase</source>
        <translation>noch %1 in dieser Phase</translation>
    </message>
    <message>
        <source>block %1: MSE %2 → %3 (%4 s)</source>
        <translation>Block %1: MSE %2 → %3 (%4 s)</translation>
    </message>
    <message>
        <source>perplexity on %1: %2 (%3 windows)</source>
        <translation>Perplexität auf %1: %2 (%3 Fenster)</translation>
    </message>
    <message>
        <source>Cancelled. The run folder keeps every finished block: Resume continues from there.</source>
        <translation>Abgebrochen. Der Laufordner behält jeden fertigen Block: „Fortsetzen“ macht dort weiter.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Läuft…</translation>
    </message>
    <message>
        <source>Cancelling at the next step…</source>
        <translation>Wird beim nächsten Schritt abgebrochen…</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Cancelled (resumable)</source>
        <translation>Abgebrochen (fortsetzbar)</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Run the job; a run folder that holds it already is resumed (F5)</source>
        <translation>Den Auftrag ausführen; ein Laufordner, der ihn schon enthält, wird fortgesetzt (F5)</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>Stop at the next training step; finished blocks are kept (Shift+F5)</source>
        <translation>Beim nächsten Trainingsschritt anhalten; fertige Blöcke bleiben erhalten (Umschalt+F5)</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Continue the cancelled run from its last finished block</source>
        <translation>Den abgebrochenen Lauf ab seinem letzten fertigen Block fortsetzen</translation>
    </message>
    <message>
        <source>overall %p%</source>
        <translation>gesamt %p %</translation>
    </message>
    <message>
        <source>phase %p%</source>
        <translation>Phase %p %</translation>
    </message>
    <message>
        <source>Cancelled. The run folder keeps LR-QAT&apos;s last checkpoint (written every minute): Resume continues from there.</source>
        <translation>Abgebrochen. Der Laufordner behält den letzten Checkpoint von LR-QAT (jede Minute geschrieben): „Fortsetzen“ macht dort weiter.</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <source>%1: %2 of %3 items, acc %4%</source>
        <translation>%1: %2 von %3 Beispielen, acc %4 %</translation>
    </message>
    <message>
        <source>%1 (%2 items): acc %3, acc_norm %4</source>
        <translation>%1 (%2 Beispiele): acc %3, acc_norm %4</translation>
    </message>
    <message>
        <source>%1 (%2 items): acc %3</source>
        <translation>%1 (%2 Beispiele): acc %3</translation>
    </message>
</context>
<context>
    <name>qat::SettingsDialog</name>
    <message>
        <source>Workspace folder</source>
        <translation>Arbeitsordner</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Workspace:</source>
        <translation>&amp;Arbeitsordner:</translation>
    </message>
    <message>
        <source>The folder that holds one run folder per run; the Results page lists the runs found there</source>
        <translation>Der Ordner mit einem Laufordner pro Lauf; die Seite „Ergebnisse“ listet die dort gefundenen Läufe</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>&amp;Gerät:</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA-GPU</translation>
    </message>
    <message>
        <source>CUDA GPU (not available)</source>
        <translation>CUDA-GPU (nicht verfügbar)</translation>
    </message>
    <message>
        <source>Where runs and generation compute; CUDA needs a CUDA build of LibTorch and a GPU</source>
        <translation>Worauf Läufe und Texterzeugung rechnen; CUDA braucht eine CUDA-Version von LibTorch und eine GPU</translation>
    </message>
    <message>
        <source>CPU &amp;threads:</source>
        <translation>CPU-&amp;Threads:</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <source>Threads for computing on the CPU; automatic uses LibTorch&apos;s default (one per core)</source>
        <translation>Threads für Berechnungen auf der CPU; automatisch nutzt die Voreinstellung von LibTorch (einer pro Kern)</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>The language of the user interface; changes at once</source>
        <translation>Die Sprache der Benutzeroberfläche; wechselt sofort</translation>
    </message>
    <message>
        <source>Device and threads apply to the next run and the next generation.</source>
        <translation>Gerät und Threads gelten für den nächsten Lauf und die nächste Texterzeugung.</translation>
    </message>
</context>
<context>
    <name>qat::TaskPicker</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Task &amp;folder</source>
        <translation>Aufgaben&amp;ordner</translation>
    </message>
    <message>
        <source>The folder with the task files (arc_easy.jsonl, …, lm-eval&apos;s rendered requests); remembered for the next session</source>
        <translation>Der Ordner mit den Aufgabendateien (arc_easy.jsonl, …, die von lm-eval erzeugten Anfragen); wird für die nächste Sitzung gemerkt</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Score only the first N items of each task, for a quick look (0: all)</source>
        <translation>Nur die ersten N Beispiele jeder Aufgabe bewerten, für einen schnellen Überblick (0: alle)</translation>
    </message>
    <message>
        <source>Put the tokenizer&apos;s BOS in front of every request</source>
        <translation>Das BOS des Tokenizers jeder Anfrage voranstellen</translation>
    </message>
    <message>
        <source>Off: as lm-eval 0.4.2, which EfficientQAT ran; lm-eval 0.4.13 follows the tokenizer&apos;s own default</source>
        <translation>Aus: wie lm-eval 0.4.2, mit dem EfficientQAT gemessen hat; lm-eval 0.4.13 folgt der eigenen Voreinstellung des Tokenizers</translation>
    </message>
    <message>
        <source>&amp;Items per task</source>
        <translation>&amp;Beispiele pro Aufgabe</translation>
    </message>
    <message>
        <source>Zero-shot task folder</source>
        <translation>Ordner der Zero-Shot-Aufgaben</translation>
    </message>
    <message>
        <source>Zero-shot accuracy (before and after each phase)</source>
        <translation>Zero-Shot-Treffergenauigkeit (vor und nach jeder Phase)</translation>
    </message>
    <message>
        <source>Choose the folder with the task files first</source>
        <translation>Wählen Sie zuerst den Ordner mit den Aufgabendateien</translation>
    </message>
    <message>
        <source>%1 (%2 items)</source>
        <translation>%1 (%2 Beispiele)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Choose the folder with the task files (../shared/data/zeroshot in the source tree) to score accuracy as well.</source>
        <translation>Wählen Sie den Ordner mit den Aufgabendateien (../shared/data/zeroshot im Quellbaum), um auch die Treffergenauigkeit zu bewerten.</translation>
    </message>
    <message>
        <source>No task chosen: the run measures perplexity only.</source>
        <translation>Keine Aufgabe gewählt: der Lauf misst nur die Perplexität.</translation>
    </message>
    <message>
        <source>%1 items per evaluation</source>
        <translation>%1 Beispiele pro Evaluierung</translation>
    </message>
    <message>
        <source>, about %1 tokens</source>
        <translation>, etwa %1 Tokens</translation>
    </message>
    <message>
        <source>; roughly %1 each on two CPU cores, %2 on a GPU</source>
        <translation>; jeweils rund %1 auf zwei CPU-Kernen, %2 auf einer GPU</translation>
    </message>
    <message>
        <source> (one evaluation in full precision and one after each phase).</source>
        <translation> (eine Evaluierung in voller Genauigkeit und eine nach jeder Phase).</translation>
    </message>
</context>
<context>
    <name>qat::TensorTableModel</name>
    <message>
        <source>%1
stored in %2</source>
        <translation>%1
gespeichert in %2</translation>
    </message>
    <message>
        <source>#</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
</context>
</TS>
