using System.Text;
using MiniMesos.Core.Images;
using Xunit;

namespace MiniMesos.Tests.Images;

public sealed class ImageDocumentsTests
{
    [Fact]
    public void ADockerConfigIsReadWithItsCapitalisedKeys()
    {
        var json = """
            {"architecture":"arm","os":"linux","variant":"v7","created":"2024-01-01T00:00:00Z",
             "config":{"Env":["PATH=/usr/bin"],"Entrypoint":["/docker-entrypoint.sh"],"Cmd":["nginx","-g","daemon off;"],"WorkingDir":"/","User":"nginx","ExposedPorts":{"80/tcp":{}}},
             "rootfs":{"type":"layers","diff_ids":["sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]},"history":[]}
            """;
        var config = ImageDocuments.Config(Encoding.UTF8.GetBytes(json), "config", out var error);
        Assert.True(config is not null, error);
        Assert.Equal("v7", config.Variant);
        Assert.Equal(["/docker-entrypoint.sh"], config.Config!.Entrypoint!);
        Assert.Equal("nginx", config.Config.User);
        Assert.Single(config.Rootfs!.DiffIds!);
    }

    [Fact]
    public void AManifestWithAnUnknownLayerTypeOrSchema1IsRefusedByName()
    {
        var foreign = """{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:aa","size":1},"layers":[{"mediaType":"application/x-helm","digest":"sha256:bb","size":2}]}""";
        Assert.Null(ImageDocuments.Manifest(Encoding.UTF8.GetBytes(foreign), "manifest of x", out var error));
        Assert.Contains("layer sha256:bb has media type 'application/x-helm'", error);
        Assert.Null(ImageDocuments.Manifest("""{"schemaVersion":1}"""u8, "manifest of x", out error));
        Assert.Contains("schemaVersion 1 is not supported", error);
        Assert.Null(ImageDocuments.Manifest("{nope"u8, "manifest of x", out error));
        Assert.StartsWith("manifest of x: not valid JSON", error);
        Assert.Null(ImageDocuments.Config("""{"os":"windows"}"""u8, "config", out error));
        Assert.Contains("not linux", error);
    }

    [Fact]
    public void MediaTypeTellsAnIndexFromAManifestEvenWhenUnnamed()
    {
        Assert.Equal(OciMediaTypes.DockerManifestList, ImageDocuments.MediaType("""{"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}"""u8));
        Assert.Equal(OciMediaTypes.OciIndex, ImageDocuments.MediaType("""{"schemaVersion":2,"manifests":[]}"""u8));
        Assert.Equal(OciMediaTypes.OciManifest, ImageDocuments.MediaType("""{"schemaVersion":2,"layers":[]}"""u8));
        Assert.Null(ImageDocuments.MediaType("[1]"u8));
    }
}
