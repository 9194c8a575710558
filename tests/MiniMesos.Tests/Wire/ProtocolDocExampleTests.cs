using System.Buffers.Binary;
using MiniMesos.Net.Wire;
using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.Wire;

/// <summary>Pins the worked example in docs/protocol.md, so the document cannot drift from the code.</summary>
public sealed class ProtocolDocExampleTests(ITestOutputHelper output)
{
    internal static readonly byte[] Secret = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    internal static readonly byte[] ClientNonce = Enumerable.Repeat((byte)0x11, 32).ToArray();
    internal static readonly byte[] ServerNonce = Enumerable.Repeat((byte)0x22, 32).ToArray();
    internal static readonly byte[] Binding = Enumerable.Repeat((byte)0x33, 32).ToArray();

    [Fact]
    public void WorkedExampleMatchesTheDocument()
    {
        byte[] serverTranscript = HandshakeProof.Transcript(HandshakeProof.ServerLabel, 1, "prod", "a1", "agent", "m1", "master", ClientNonce, ServerNonce, Binding);
        byte[] serverProof = HandshakeProof.Compute(Secret, HandshakeProof.ServerLabel, 1, "prod", "a1", "agent", "m1", "master", ClientNonce, ServerNonce, Binding);
        byte[] clientProof = HandshakeProof.Compute(Secret, HandshakeProof.ClientLabel, 1, "prod", "a1", "agent", "m1", "master", ClientNonce, ServerNonce, Binding);
        byte[] hello = Frame(RawClient.Hello("a1", "agent", "prod", 1, ClientNonce).Encode());
        byte[] challenge = Frame(new HandshakeMessage("challenge")
        {
            Version = 1, Cluster = "prod", Node = "m1", Role = "master", Nonce = ServerNonce, ProofBytes = serverProof,
        }.Encode());
        byte[] proof = Frame(new HandshakeMessage("proof") { ProofBytes = clientProof }.Encode());
        byte[] welcome = Frame(new HandshakeMessage("welcome").Encode());
        byte[] refused = Frame(new HandshakeMessage("refused") { Reason = "wrong cluster secret", Node = "a1", Role = "agent" }.Encode());
        foreach (var (name, bytes) in new[] { ("server transcript", serverTranscript), ("server proof", serverProof), ("client proof", clientProof),
                     ("hello", hello), ("challenge", challenge), ("proof", proof), ("welcome", welcome), ("refused", refused) })
            output.WriteLine($"{name} ({bytes.Length} bytes): {Convert.ToHexStringLower(bytes)}");

        Assert.Equal(Doc.ServerTranscript, Convert.ToHexStringLower(serverTranscript));
        Assert.Equal(Doc.ServerProof, Convert.ToHexStringLower(serverProof));
        Assert.Equal(Doc.ClientProof, Convert.ToHexStringLower(clientProof));
        Assert.Equal(Doc.Hello, Convert.ToHexStringLower(hello));
        Assert.Equal(Doc.Challenge, Convert.ToHexStringLower(challenge));
        Assert.Equal(Doc.Proof, Convert.ToHexStringLower(proof));
        Assert.Equal(Doc.Welcome, Convert.ToHexStringLower(welcome));
        Assert.Equal(Doc.Refused, Convert.ToHexStringLower(refused));
    }

    private static byte[] Frame(byte[] payload)
    {
        var f = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(f, (uint)payload.Length);
        payload.CopyTo(f, 4);
        return f;
    }

    /// <summary>Values as printed in docs/protocol.md (spaces removed).</summary>
    private static class Doc
    {
        public const string ServerTranscript =
            "000000236d696e696d65736f732f68616e647368616b652f76312f7365727665722d70726f6f66000000010000000470726f64000000026131000000056167656e74000000026d31000000066d6173746572000000201111111111111111111111111111111111111111111111111111111111111111000000202222222222222222222222222222222222222222222222222222222222222222000000203333333333333333333333333333333333333333333333333333333333333333";
        public const string ServerProof =
            "436c20d2aeff973affc51490e3fda56ac3a4571a36faf3d5aedca44bac7235d4";
        public const string ClientProof =
            "a6d9842a27da74f8aac2430623fbee7c7a0359bbf8631f964f61b84ffc5bedf8";
        public const string Hello =
            "0000005486a174a568656c6c6fa17601a7636c7573746572a470726f64a46e6f6465a26131a4726f6c65a56167656e74a56e6f6e6365c4201111111111111111111111111111111111111111111111111111111111111111";
        public const string Challenge =
            "0000008187a174a96368616c6c656e6765a17601a7636c7573746572a470726f64a46e6f6465a26d31a4726f6c65a66d6173746572a56e6f6e6365c4202222222222222222222222222222222222222222222222222222222222222222a570726f6f66c420436c20d2aeff973affc51490e3fda56ac3a4571a36faf3d5aedca44bac7235d4";
        public const string Proof =
            "0000003182a174a570726f6f66a570726f6f66c420a6d9842a27da74f8aac2430623fbee7c7a0359bbf8631f964f61b84ffc5bedf8";
        public const string Welcome =
            "0000000b81a174a777656c636f6d65";
        public const string Refused =
            "0000003a84a174a772656675736564a46e6f6465a26131a4726f6c65a56167656e74a6726561736f6eb477726f6e6720636c757374657220736563726574";
    }
}
