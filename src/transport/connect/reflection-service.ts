import { toBinary, type DescFile, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { Code, type ConnectRouter } from '@connectrpc/connect';
import {
  ServerReflection as ServerReflectionV1,
  type ServerReflectionRequest,
} from '../../../gen/grpc/reflection/v1/reflection_pb.js';
import { ServerReflection as ServerReflectionV1alpha } from '../../../gen/grpc/reflection/v1alpha/reflection_pb.js';

/** The reflection services themselves, for the list a server serves. */
export const reflectionServices: readonly DescService[] = [ServerReflectionV1, ServerReflectionV1alpha];

/** A reflection question; v1alpha's has the same shape. */
type ReflectionRequest = ServerReflectionRequest;

/**
 * gRPC server reflection (v1 and v1alpha) over the generated descriptors of `services`: lists them and
 * answers with the serialized FileDescriptorProto of a file, by name or by a symbol it declares,
 * together with every file it imports, so a client needs no proto files at all. `detailFiles` are
 * files no service imports whose messages still travel, as error details (errors.proto).
 */
export function addReflectionServices(
  router: ConnectRouter,
  services: readonly DescService[],
  detailFiles: readonly DescFile[] = [],
): void {
  const index = indexFiles([...services.map((service) => service.file), ...detailFiles]);
  const answer = (request: ReflectionRequest) => ({
    validHost: request.host,
    originalRequest: request,
    messageResponse: respond(index, services, request),
  });
  for (const service of [ServerReflectionV1, ServerReflectionV1alpha]) {
    // Both versions carry the same messages under two package names.
    router.service(service as typeof ServerReflectionV1, {
      async *serverReflectionInfo(requests) {
        for await (const request of requests) yield answer(request);
      },
    });
  }
}

interface FileIndex {
  readonly byName: ReadonlyMap<string, DescFile>;
  readonly bySymbol: ReadonlyMap<string, DescFile>;
}

function respond(index: FileIndex, services: readonly DescService[], request: ReflectionRequest) {
  const { messageRequest } = request;
  switch (messageRequest.case) {
    case 'listServices':
      return {
        case: 'listServicesResponse' as const,
        value: { service: services.map((service) => ({ name: service.typeName })) },
      };
    case 'fileByFilename':
      return filesAnswer(index.byName.get(messageRequest.value), `File not found: ${messageRequest.value}`);
    case 'fileContainingSymbol':
      return filesAnswer(index.bySymbol.get(messageRequest.value), `Symbol not found: ${messageRequest.value}`);
    case 'fileContainingExtension':
      return errorAnswer(
        Code.NotFound,
        `Extension not found: ${messageRequest.value.containingType}(${messageRequest.value.extensionNumber})`,
      );
    case 'allExtensionNumbersOfType':
      return index.bySymbol.has(messageRequest.value)
        ? { case: 'allExtensionNumbersResponse' as const, value: { baseTypeName: messageRequest.value, extensionNumber: [] } }
        : errorAnswer(Code.NotFound, `Type not found: ${messageRequest.value}`);
    case undefined:
      return errorAnswer(Code.InvalidArgument, 'Empty reflection request');
    default:
      return messageRequest satisfies never;
  }
}

function filesAnswer(file: DescFile | undefined, notFound: string) {
  if (!file) return errorAnswer(Code.NotFound, notFound);
  const files = [file, ...dependenciesOf(file)];
  return {
    case: 'fileDescriptorResponse' as const,
    value: { fileDescriptorProto: files.map((f) => toBinary(FileDescriptorProtoSchema, f.proto)) },
  };
}

function errorAnswer(code: Code, message: string) {
  return { case: 'errorResponse' as const, value: { errorCode: code, errorMessage: message } };
}

/** Every file `file` imports, directly or not, each once. */
function dependenciesOf(file: DescFile): DescFile[] {
  const seen = new Map<string, DescFile>();
  const visit = (current: DescFile) => {
    for (const dependency of current.dependencies) {
      if (seen.has(dependency.proto.name)) continue;
      seen.set(dependency.proto.name, dependency);
      visit(dependency);
    }
  };
  visit(file);
  seen.delete(file.proto.name);
  return [...seen.values()];
}

function indexFiles(roots: readonly DescFile[]): FileIndex {
  const byName = new Map<string, DescFile>();
  const bySymbol = new Map<string, DescFile>();
  const addMessage = (file: DescFile, message: DescMessage): void => {
    bySymbol.set(message.typeName, file);
    for (const nested of message.nestedMessages) addMessage(file, nested);
    for (const nested of message.nestedEnums) bySymbol.set(nested.typeName, file);
  };
  for (const file of roots.flatMap((root) => [root, ...dependenciesOf(root)])) {
    if (byName.has(file.proto.name)) continue;
    byName.set(file.proto.name, file);
    for (const message of file.messages) addMessage(file, message);
    for (const descEnum of file.enums) bySymbol.set(descEnum.typeName, file);
    for (const extension of file.extensions) bySymbol.set(extension.typeName, file);
    for (const service of file.services) {
      bySymbol.set(service.typeName, file);
      for (const method of service.methods) bySymbol.set(`${service.typeName}.${method.name}`, file);
    }
  }
  return { byName, bySymbol };
}
