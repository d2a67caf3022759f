<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>main</name>
    <message>
        <source>QAT Studio: quantization-aware training of Llama-family models to 2–4 bits.</source>
        <translation>QAT Studio：对 Llama 系列模型进行 2–4 位量化感知训练。</translation>
    </message>
    <message>
        <source>A model folder to open (config.json and safetensors weights).</source>
        <translation>要打开的模型文件夹（config.json 和 safetensors 权重）。</translation>
    </message>
    <message>
        <source>Give at most one model folder.</source>
        <translation>最多只能指定一个模型文件夹。</translation>
    </message>
</context>
<context>
    <name>qat::Format</name>
    <message>
        <source>scalar</source>
        <translation>标量</translation>
    </message>
</context>
<context>
    <name>qat::MainWindow</name>
    <message>
        <source>Opened %1: %2 parameters</source>
        <translation>已打开 %1：%2 个参数</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <source>No recent models</source>
        <translation>没有最近打开的模型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Model Folder…</source>
        <translation>打开模型文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About QAT Studio</source>
        <translation>关于 QAT Studio(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>About QAT Studio</source>
        <translation>关于 QAT Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;QAT Studio %1&lt;/h3&gt;&lt;p&gt;Quantization-aware training of Llama-family models to 2–4 bits.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;QAT Studio %1&lt;/h3&gt;&lt;p&gt;对 Llama 系列模型进行 2–4 位量化感知训练。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>qat::ModelFactsView</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>%1 files</source>
        <translation>%1 个文件</translation>
    </message>
    <message>
        <source>No tokenizer.model in the folder</source>
        <translation>文件夹中没有 tokenizer.model</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>参数量：</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>层数：</translation>
    </message>
    <message>
        <source>Hidden size:</source>
        <translation>隐藏层维度：</translation>
    </message>
    <message>
        <source>Intermediate size:</source>
        <translation>中间层维度：</translation>
    </message>
    <message>
        <source>Heads / KV heads:</source>
        <translation>注意力头 / KV 头：</translation>
    </message>
    <message>
        <source>Head dimension:</source>
        <translation>头维度：</translation>
    </message>
    <message>
        <source>Vocabulary:</source>
        <translation>词表大小：</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>上下文长度：</translation>
    </message>
    <message>
        <source>Weight type:</source>
        <translation>权重类型：</translation>
    </message>
    <message>
        <source>Size on disk:</source>
        <translation>磁盘占用：</translation>
    </message>
    <message>
        <source>Weight files:</source>
        <translation>权重文件：</translation>
    </message>
    <message>
        <source>Tied embeddings:</source>
        <translation>共享嵌入权重：</translation>
    </message>
    <message>
        <source>Tokenizer present:</source>
        <translation>包含分词器：</translation>
    </message>
</context>
<context>
    <name>qat::ModelPage</name>
    <message>
        <source>Choose a Model Folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Model &amp;folder:</source>
        <translation>模型文件夹(&amp;F)：</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Recently opened model folders</source>
        <translation>最近打开的模型文件夹</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>Choose a folder holding config.json and the safetensors weights</source>
        <translation>选择包含 config.json 和 safetensors 权重的文件夹</translation>
    </message>
    <message>
        <source>No model is open.

Choose a Hugging Face model folder (config.json, *.safetensors, tokenizer.model) with Browse…, pick a recent one, or drop a folder onto this window.</source>
        <translation>尚未打开模型。

请通过“浏览…”选择一个 Hugging Face 模型文件夹（config.json、*.safetensors、tokenizer.model），或从最近打开的模型中选择，也可以把文件夹拖放到此窗口。</translation>
    </message>
    <message>
        <source>Parameters per block</source>
        <translation>各模块参数量</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Filter by name</source>
        <translation>按名称筛选</translation>
    </message>
    <message>
        <source>Could not open the model folder %1:
%2</source>
        <translation>无法打开模型文件夹 %1：
%2</translation>
    </message>
</context>
<context>
    <name>qat::ParameterChart</name>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Parameters (billions)</source>
        <translation>参数量（十亿）</translation>
    </message>
    <message>
        <source>Parameters (millions)</source>
        <translation>参数量（百万）</translation>
    </message>
    <message>
        <source>Parameters (thousands)</source>
        <translation>参数量（千）</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Embed.
+ head</source>
        <translation>嵌入
+ 输出头</translation>
    </message>
    <message>
        <source>Embed.</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>输出头</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Embedding, tied with the output head (final norm included)</source>
        <translation>嵌入层，与输出头共享权重（含最终归一化层）</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>嵌入层</translation>
    </message>
    <message>
        <source>Decoder layer %1</source>
        <translation>解码器层 %1</translation>
    </message>
    <message>
        <source>Output head and final norm</source>
        <translation>输出头和最终归一化层</translation>
    </message>
    <message>
        <source>Other tensors</source>
        <translation>其他张量</translation>
    </message>
    <message>
        <source>%1
Parameters: %2
Tensors: %3</source>
        <translation>%1
参数量：%2
张量数：%3</translation>
    </message>
</context>
<context>
    <name>qat::TensorTableModel</name>
    <message>
        <source>%1
stored in %2</source>
        <translation>%1
存储于 %2</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
</context>
</TS>
