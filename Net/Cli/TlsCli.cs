using System.CommandLine;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>
/// `minimesos ca show` and `minimesos token show`, run on a master: they read its data dir (the CA the master wrote there
/// from the replicated state, and its token), never the network.
/// </summary>
internal static class TlsCli
{
    public static Command CaCommand()
    {
        var dataDir = DataDir();
        var show = new Command("show", "Print the cluster CA certificate (PEM), for `curl --cacert` and browsers.") { dataDir };
        show.SetAction(parse =>
        {
            var (pem, fingerprint) = ReadCa(parse.GetValue(dataDir)!);
            Console.Write(pem);
            Console.Error.WriteLine($"cluster CA fingerprint (SHA-256): {fingerprint}");
            return ExitCodes.Success;
        });
        return new Command("ca", "The cluster's certificate authority, created by the first master.") { show };
    }

    public static Command TokenCommand()
    {
        var dataDir = DataDir();
        var tokenFile = new Option<string?>("--token-file")
        {
            Description = "The master's token file (default: <data-dir>/token if there, else /etc/minimesos/token).",
        };
        var show = new Command("show",
            "Print the join token mm1.<CA fingerprint>.<secret>: a node or the CLI given it checks the cluster CA before it sends anything.")
        {
            dataDir, tokenFile,
        };
        show.SetAction(parse =>
        {
            var dir = parse.GetValue(dataDir)!;
            var (_, fingerprint) = ReadCa(dir);
            var path = parse.GetValue(tokenFile) is { Length: > 0 } given ? given
                : Path.Combine(dir, ClusterSecret.FileName) is var inDir && File.Exists(inDir) ? inDir : "/etc/minimesos/token";
            if (!File.Exists(path))
                throw new CliException($"{path} does not exist: pass the master's --token-file (the join token is mm1.{fingerprint}.<its secret>)",
                    ExitCodes.RuntimeError);
            var secret = ClusterSecret.FromFile(path);
            if (secret.CaFingerprint is { } pinned && pinned != fingerprint)
                throw new CliException($"{path} pins CA {pinned}, but this master's cluster CA is {fingerprint}", ExitCodes.RuntimeError);
            Console.WriteLine(secret.Pinned(fingerprint));
            return ExitCodes.Success;
        });
        return new Command("token", "The cluster's join token.") { show };
    }

    private static Option<string> DataDir() => new("--data-dir")
    {
        Description = "The master's data dir (default $MINIMESOS_DATA_DIR or " + Defaults.MasterDataDir + ").",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_DATA_DIR") is { Length: > 0 } d ? d : Defaults.MasterDataDir,
    };

    private static (string Pem, string Fingerprint) ReadCa(string dataDir)
    {
        var path = Path.Combine(dataDir, MasterTls.CaFile);
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {e.Message} (run this on a master, with its --data-dir; the master writes the CA " +
                "there once the cluster has one, a moment after its first leader is elected)", ExitCodes.RuntimeError);
        }
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
            return (pem, ClusterCa.Fingerprint(certificate.RawData));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new CliException($"{path} does not hold a certificate: {e.Message}", ExitCodes.RuntimeError);
        }
    }
}
