using System.Text;
using System.Text.RegularExpressions;
using MiniMesos.Net.MessagePack;
using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.MessagePack;

/// <summary>Byte-for-byte agreement with python3-msgpack, in both directions.</summary>
[Trait("Category", "Slow")]
public sealed class MessagePackOracleTests(ITestOutputHelper output)
{
    private const int Seed = 20261122;

    [Fact]
    public void PythonDecodesAndReencodesOurCorpusIdentically()
    {
        List<MessagePackCorpus.Item> corpus = MessagePackCorpus.Build(Seed);
        string path = Path.Combine(Path.GetTempPath(), $"mm-msgpack-cs-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        try
        {
            using (var w = new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                foreach (var item in corpus)
                    w.Write($"{Convert.ToHexStringLower(item.Bytes)}\t{item.Mode}\t{item.Description}\n");
            }
            (int exit, string text) = PythonOracle.Run("check", path);
            output.WriteLine(text);
            Assert.True(exit == 0, "python3-msgpack disagrees with our encoder:\n" + text);
            Match m = Regex.Match(text, @"checked (\d+) items \((\d+) re-encoded and compared\), 0 failures");
            Assert.True(m.Success, text);
            int reencoded = corpus.Count(i => i.Mode != "decode");
            Assert.Equal(corpus.Count, int.Parse(m.Groups[1].Value));
            Assert.Equal(reencoded, int.Parse(m.Groups[2].Value));
            output.WriteLine($"C# -> Python: {corpus.Count} items decoded and described, {reencoded} re-encoded identically (seed {Seed})");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WeDecodeAndReencodePythonCorpusIdentically()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mm-msgpack-py-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        try
        {
            (int exit, string text) = PythonOracle.Run("generate", Seed.ToString(), path);
            Assert.True(exit == 0, text);
            int checkedCount = 0;
            var failures = new List<string>();
            foreach (string line in File.ReadLines(path))
            {
                if (line.Length == 0)
                    continue;
                string[] parts = line.Split('\t');
                byte[] bytes = Convert.FromHexString(parts[0]);
                try
                {
                    MessagePackValue v = MessagePackValue.Parse(bytes);
                    if (v.ToString() != parts[2])
                        failures.Add($"line {checkedCount + 1}: description\n  python {Trim(parts[2])}\n  ours   {Trim(v.ToString())}");
                    byte[] again = v.ToBytes();
                    if (!again.AsSpan().SequenceEqual(bytes))
                        failures.Add($"line {checkedCount + 1}: re-encoding\n  python {Trim(parts[0])}\n  ours   {Trim(Convert.ToHexStringLower(again))}");
                    var reader = new MessagePackReader(bytes);
                    reader.Skip();
                    if (!reader.End)
                        failures.Add($"line {checkedCount + 1}: Skip consumed {reader.Consumed} of {bytes.Length} bytes");
                }
                catch (MessagePackException e)
                {
                    failures.Add($"line {checkedCount + 1}: {e.Message}");
                }
                checkedCount++;
            }
            output.WriteLine($"Python -> C#: {checkedCount} items decoded, described and re-encoded; {failures.Count} failures (seed {Seed})");
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
            Assert.True(checkedCount >= 1500, $"only {checkedCount} items in the python corpus");
            Assert.Contains($"generated {checkedCount} items", text);
        }
        finally
        {
            File.Delete(path);
        }

        static string Trim(string s) => s.Length > 200 ? s[..200] + "..." : s;
    }
}
