using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace MiniMesos.Tests.Architecture;

/// <summary>
/// The documentation-comment ids (the format of BannedSymbols.txt: T:, M:, P:, F:) of every type and member that an
/// assembly's metadata references in other assemblies: what its IL can call, whatever the source looked like.
/// </summary>
internal static partial class ReferencedSymbols
{
    public static IReadOnlySet<string> Of(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var names = new DocIdNames(md);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.TypeReferences) ids.Add("T:" + names.Of(handle));
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            var owner = member.Parent.Kind switch
            {
                HandleKind.TypeReference => names.Of((TypeReferenceHandle)member.Parent),
                // A member of a generic instantiation (List<int>.Add) is the member of the generic type (List`1).
                HandleKind.TypeSpecification => Open(md.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(names, null)),
                _ => null,
            };
            if (owner is null) continue;
            var name = md.GetString(member.Name);
            if (member.GetKind() != MemberReferenceKind.Method)
            {
                ids.Add($"F:{owner}.{name}");
                continue;
            }
            var signature = member.DecodeMethodSignature(names, null);
            var generic = signature.GenericParameterCount > 0 ? "``" + signature.GenericParameterCount : "";
            var parameters = signature.ParameterTypes.Length == 0 ? "" : "(" + string.Join(",", signature.ParameterTypes.Select(Closed)) + ")";
            ids.Add($"M:{owner}.{name.Replace('.', '#')}{generic}{parameters}");
            if (name.StartsWith("get_", StringComparison.Ordinal) || name.StartsWith("set_", StringComparison.Ordinal)) ids.Add($"P:{owner}.{name[4..]}");
        }
        return ids;
    }

    /// <summary>The ids of a banned-symbols file, without comments and descriptions.</summary>
    public static IReadOnlyList<string> BannedIn(string path) =>
        File.ReadAllLines(path)
            .Select(line => line.Split(';')[0].Trim())
            .Where(line => line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal))
            .ToList();

    private static string Open(string type) => type.IndexOf('{') is var brace and >= 0 ? type[..brace] : type;

    // In a parameter, an instantiation is written List{System.Int32}, without the arity.
    private static string Closed(string type) => Arity().Replace(type, "{");

    [GeneratedRegex(@"`\d+\{")]
    private static partial Regex Arity();

    private sealed class DocIdNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public string Of(TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            var name = md.GetString(type.Name);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference) return Of((TypeReferenceHandle)type.ResolutionScope) + "." + name;
            var ns = md.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeDefinition(handle);
            var name = reader.GetString(type.Name);
            if (type.GetDeclaringType() is { IsNil: false } outer) return GetTypeFromDefinition(reader, outer, rawTypeKind) + "." + name;
            var ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Of(handle);

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + string.Join(",", Enumerable.Repeat("0:", shape.Rank)) + "]";

        public string GetByReferenceType(string elementType) => elementType + "@";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPinnedType(string elementType) => elementType;

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) =>
            genericType + "{" + string.Join(",", typeArguments) + "}";

        public string GetGenericTypeParameter(object? genericContext, int index) => "`" + index;

        public string GetGenericMethodParameter(object? genericContext, int index) => "``" + index;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "=FUNC";

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
