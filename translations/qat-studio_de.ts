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
        <source>A model folder to open (config.json and safetensors weights).</source>
        <translation>Ein zu öffnender Modellordner (config.json und safetensors-Gewichte).</translation>
    </message>
    <message>
        <source>Give at most one model folder.</source>
        <translation>Geben Sie höchstens einen Modellordner an.</translation>
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
        <source>No tokenizer.model in the folder</source>
        <translation>Keine tokenizer.model im Ordner</translation>
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
        <source>Tokenizer present:</source>
        <translation>Tokenizer vorhanden:</translation>
    </message>
</context>
<context>
    <name>qat::ModelPage</name>
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
