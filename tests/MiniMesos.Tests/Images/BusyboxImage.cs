using System.Formats.Tar;
using System.Text;
using static MiniMesos.Tests.Images.TestTars;

namespace MiniMesos.Tests.Images;

/// <summary>
/// Writes a two-layer OCI image layout built from the host's static busybox: layer 1 (gzip) holds bin/busybox, its
/// applet links and etc/motd; layer 2 (uncompressed) deletes etc/motd with a whiteout and adds etc/hello.
/// </summary>
internal static class BusyboxImage
{
    public const string Busybox = "/bin/busybox";

    public static (string Layer1DiffId, string Layer2DiffId) Write(string dir, string tag)
    {
        var bin = new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { DataStream = System.IO.File.OpenRead(Busybox), Mode = (UnixFileMode)0b111_101_101 };
        var layer1 = Tar(Dir("bin/"), bin, Symlink("bin/sh", "busybox"), Symlink("bin/echo", "busybox"), Symlink("bin/cat", "busybox"), Dir("etc/"), File("etc/motd", "old\n"));
        var layer2 = Tar(Dir("etc/"), File("etc/.wh.motd", ""), File("etc/hello", "hello from layer 2\n"));
        var gz1 = Gzip(layer1);
        Directory.CreateDirectory(Path.Combine(dir, "blobs", "sha256"));
        string Put(byte[] data)
        {
            var digest = Sha256(data);
            System.IO.File.WriteAllBytes(Path.Combine(dir, "blobs", "sha256", digest[7..]), data);
            return digest;
        }
        var config = Encoding.UTF8.GetBytes($$$"""
            {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin","GREETING=image"],"Entrypoint":["/bin/sh","-c"],"Cmd":["cat /etc/hello"],"WorkingDir":"/etc"},
             "rootfs":{"type":"layers","diff_ids":["{{{Sha256(layer1)}}}","{{{Sha256(layer2)}}}"]}}
            """);
        var configDigest = Put(config);
        var manifest = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{configDigest}}}","size":{{{config.Length}}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{Put(gz1)}}}","size":{{{gz1.Length}}}},
                       {"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{{Put(layer2)}}}","size":{{{layer2.Length}}}}]}
            """);
        var manifestDigest = Put(manifest);
        System.IO.File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        System.IO.File.WriteAllText(Path.Combine(dir, "index.json"), $$$"""
            {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifestDigest}}}","size":{{{manifest.Length}}},
              "annotations":{"org.opencontainers.image.ref.name":"{{{tag}}}"}}]}
            """);
        return (Sha256(layer1), Sha256(layer2));
    }
}
