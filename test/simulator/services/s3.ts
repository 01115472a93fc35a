/**
 * Amazon S3 (restXml), HeadObject only, path-style, over the scenario's objects (`s3.objects`; a bucket
 * exists when an object is in it, in the caller's account). As S3 answers HEAD:
 * - 200 with Content-Length, ETag (the body's MD5, quoted), Last-Modified, Content-Type (default
 *   binary/octet-stream) and the default SSE-S3 encryption;
 * - a missing bucket or key: 404, no body — except that a caller refused s3:ListBucket gets 403 for a
 *   missing key, as S3 will not tell it whether the key exists (HeadObject API reference, Permissions);
 * - a bucket in another region than the request's SigV4 scope: 301 with `x-amz-bucket-region` (the SDK
 *   retries in that region only with `followRegionRedirects: true`);
 * - IAM authorizes HeadObject as s3:GetObject.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import { AwsErrorWithHeaders, type RestXmlService } from '../protocols/rest-xml.js';
import type { Simulator } from '../server.js';
import { int, str, struct } from '../shapes.js';

interface StoredObject {
  bucket: string;
  key: string;
  body: string;
  region: string;
  contentType: string;
  lastModified: number;
}

function objects(sim: Simulator): StoredObject[] {
  let state = sim.state.get('s3') as StoredObject[] | undefined;
  if (!state) {
    // S3 keeps Last-Modified to the second.
    const at = Math.floor((sim.now() - 86_400_000) / 1000) * 1000;
    state = (sim.scenario.s3?.objects ?? []).map((o) => ({
      bucket: o.bucket,
      key: o.key,
      body: o.body ?? '',
      region: o.region ?? 'us-east-1',
      contentType: o.contentType ?? 'binary/octet-stream',
      lastModified: at,
    }));
    sim.state.set('s3', state);
  }
  return state;
}

/** Bucket naming rules (general purpose buckets): 3–63 lower-case letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const s3Service: RestXmlService = {
  protocol: 'restXml',
  name: 's3',
  iamPrefix: 's3',
  signingName: 's3',
  throttle: { type: 'SlowDown', status: 503 },
  routes: [
    {
      method: 'HEAD',
      path: '/{Bucket}/{Key+}',
      operation: 'HeadObject',
      iamActions: ['s3:GetObject'],
      query: { VersionId: 'versionId', PartNumber: 'partNumber' },
      headers: { IfMatch: 'if-match' },
      outputHeaders: {
        AcceptRanges: 'accept-ranges',
        ContentLength: 'content-length',
        ContentType: 'content-type',
        ETag: 'etag',
        LastModified: 'last-modified',
        ServerSideEncryption: 'x-amz-server-side-encryption',
      },
      input: struct(
        {
          Bucket: str({ min: 1 }),
          Key: str({ min: 1 }),
          VersionId: str(),
          PartNumber: int({ min: 1, max: 10000 }),
          IfMatch: str(),
        },
        ['Bucket', 'Key'],
      ),
      handler(input, ctx) {
        const bucket = String(input['Bucket']);
        if (!BUCKET_NAME.test(bucket)) {
          throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400);
        }
        const inBucket = objects(ctx.sim).filter((o) => o.bucket === bucket);
        if (inBucket.length === 0) {
          throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
        }
        const region = inBucket[0]!.region;
        if (region !== ctx.region) {
          throw new AwsErrorWithHeaders(
            'PermanentRedirect',
            'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
            301,
            { 'x-amz-bucket-region': region },
          );
        }
        const o = inBucket.find((x) => x.key === input['Key']);
        if (!o) {
          const deny = ctx.principal.deny ?? [];
          if (deny.includes('s3:ListBucket')) throw new AwsError('AccessDenied', 'Access Denied', 403);
          throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
        }
        const etag = `"${createHash('md5').update(o.body).digest('hex')}"`;
        if (input['IfMatch'] !== undefined && input['IfMatch'] !== etag && input['IfMatch'] !== '*') {
          throw new AwsError(
            'PreconditionFailed',
            'At least one of the pre-conditions you specified did not hold',
            412,
          );
        }
        return {
          AcceptRanges: 'bytes',
          ContentLength: Buffer.byteLength(o.body),
          ContentType: o.contentType,
          ETag: etag,
          LastModified: new Date(o.lastModified),
          ServerSideEncryption: 'AES256',
        };
      },
    },
  ],
};
