// Vectors from AWS's public Signature Version 4 test suite (aws-sig-v4-test-suite), copied verbatim as constants.
// Each case gives the request (.req), canonical request (.creq), string to sign (.sts) and Authorization (.authz).
// Requests are signed with AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, us-east-1, service `service`,
// at 20150830T123600Z.

export const SUITE_KEY = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
export const SUITE_REGION = 'us-east-1';
export const SUITE_SERVICE = 'service';
export const SUITE_AMZ_DATE = '20150830T123600Z';
export const SUITE_NOW = Date.UTC(2015, 7, 30, 12, 36, 0);

/** The session token of the post-sts-token cases. */
export const SUITE_SESSION_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwt' +
  'hAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAk' +
  'iY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HOST: [string, string] = ['Host', 'example.amazonaws.com'];
const DATE: [string, string] = ['X-Amz-Date', SUITE_AMZ_DATE];
const SCOPE = '20150830/us-east-1/service/aws4_request';

export interface SuiteVector {
  readonly name: string;
  readonly method: string;
  /** The path and query as the suite's .req file gives them. */
  readonly path: string;
  /** The same request line target as it travels over HTTP (percent-encoded); absent when it cannot be sent. */
  readonly wirePath?: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly authorization: string;
}

const sts = (hash: string): string => `AWS4-HMAC-SHA256\n${SUITE_AMZ_DATE}\n${SCOPE}\n${hash}`;
const authz = (signedHeaders: string, signature: string): string =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${SCOPE}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
const plain = 'host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date';

export const SUITE_VECTORS: readonly SuiteVector[] = [
  {
    name: 'get-vanilla',
    method: 'GET',
    path: '/',
    wirePath: '/',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `GET\n/\n\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63'),
    authorization: authz(
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ),
  },
  {
    name: 'post-vanilla',
    method: 'POST',
    path: '/',
    wirePath: '/',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `POST\n/\n\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87'),
    authorization: authz(
      'host;x-amz-date',
      '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    ),
  },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    path: '/?Param2=value2&Param1=value1',
    wirePath: '/?Param2=value2&Param1=value1',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `GET\n/\nParam1=value1&Param2=value2\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0'),
    authorization: authz(
      'host;x-amz-date',
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    ),
  },
  {
    name: 'get-vanilla-query-order-key',
    method: 'GET',
    path: '/?Param1=value2&Param1=Value1',
    wirePath: '/?Param1=value2&Param1=Value1',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `GET\n/\nParam1=Value1&Param1=value2\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89'),
    authorization: authz(
      'host;x-amz-date',
      'eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1',
    ),
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    path: '/?ሴ=bar',
    wirePath: '/?%E1%88%B4=bar',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `GET\n/\n%E1%88%B4=bar\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073'),
    authorization: authz(
      'host;x-amz-date',
      '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
    ),
  },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    path: '/?Param1=value1',
    wirePath: '/?Param1=value1',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `POST\n/\nParam1=value1\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd'),
    authorization: authz(
      'host;x-amz-date',
      '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
    ),
  },
  {
    name: 'post-header-key-sort',
    method: 'POST',
    path: '/',
    wirePath: '/',
    headers: [HOST, ['My-Header1', 'value1'], DATE],
    body: '',
    canonicalRequest:
      'POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nx-amz-date:20150830T123600Z\n\n' +
      `host;my-header1;x-amz-date\n${EMPTY_SHA256}`,
    stringToSign: sts('9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65'),
    authorization: authz(
      'host;my-header1;x-amz-date',
      'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c',
    ),
  },
  {
    name: 'post-header-value-case',
    method: 'POST',
    path: '/',
    wirePath: '/',
    headers: [HOST, ['My-Header1', 'VALUE1'], DATE],
    body: '',
    canonicalRequest:
      'POST\n/\n\nhost:example.amazonaws.com\nmy-header1:VALUE1\nx-amz-date:20150830T123600Z\n\n' +
      `host;my-header1;x-amz-date\n${EMPTY_SHA256}`,
    stringToSign: sts('d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93'),
    authorization: authz(
      'host;my-header1;x-amz-date',
      'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d',
    ),
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    path: '/',
    wirePath: '/',
    headers: [HOST, ['My-Header1', ' value1'], ['My-Header2', ' "a   b   c"'], DATE],
    body: '',
    canonicalRequest:
      'GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:"a b c"\nx-amz-date:20150830T123600Z\n\n' +
      `host;my-header1;my-header2;x-amz-date\n${EMPTY_SHA256}`,
    stringToSign: sts('a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7'),
    authorization: authz(
      'host;my-header1;my-header2;x-amz-date',
      'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
    ),
  },
  {
    name: 'get-header-key-duplicate',
    method: 'GET',
    path: '/',
    wirePath: '/',
    headers: [HOST, ['My-Header1', 'value2'], ['My-Header1', 'value2'], ['My-Header1', 'value1'], DATE],
    body: '',
    canonicalRequest:
      'GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\n' +
      `host;my-header1;x-amz-date\n${EMPTY_SHA256}`,
    stringToSign: sts('dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c'),
    authorization: authz(
      'host;my-header1;x-amz-date',
      'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
    ),
  },
  {
    name: 'post-x-www-form-urlencoded',
    method: 'POST',
    path: '/',
    wirePath: '/',
    headers: [['Content-Type', 'application/x-www-form-urlencoded'], HOST, DATE],
    body: 'Param1=value1',
    canonicalRequest:
      'POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n' +
      'x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n' +
      '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e',
    stringToSign: sts('42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281'),
    authorization: authz(
      'content-type;host;x-amz-date',
      'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    ),
  },
  {
    name: 'post-x-www-form-urlencoded-parameters',
    method: 'POST',
    path: '/',
    wirePath: '/',
    headers: [['Content-Type', 'application/x-www-form-urlencoded; charset=utf8'], HOST, DATE],
    body: 'Param1=value1',
    canonicalRequest:
      'POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf8\nhost:example.amazonaws.com\n' +
      'x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n' +
      '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e',
    stringToSign: sts('2e1cf7ed91881a30569e46552437e4156c823447bf1781b921b5d486c568dd1c'),
    authorization: authz(
      'content-type;host;x-amz-date',
      '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe',
    ),
  },
  {
    name: 'post-sts-token/post-sts-header-before',
    method: 'POST',
    path: '/',
    wirePath: '/',
    headers: [HOST, DATE, ['X-Amz-Security-Token', SUITE_SESSION_TOKEN]],
    body: '',
    canonicalRequest:
      'POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n' +
      `x-amz-security-token:${SUITE_SESSION_TOKEN}\n\nhost;x-amz-date;x-amz-security-token\n${EMPTY_SHA256}`,
    stringToSign: sts('c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6'),
    authorization: authz(
      'host;x-amz-date;x-amz-security-token',
      '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
    ),
  },
  {
    name: 'normalize-path/get-slashes',
    method: 'GET',
    path: '//example//',
    wirePath: '//example//',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `GET\n/example/\n\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015'),
    authorization: authz(
      'host;x-amz-date',
      '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84',
    ),
  },
  {
    name: 'normalize-path/get-relative-relative',
    method: 'GET',
    path: '/example1/example2/../..',
    wirePath: '/example1/example2/../..',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `GET\n/\n\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63'),
    authorization: authz(
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ),
  },
  {
    name: 'normalize-path/get-space',
    method: 'GET',
    path: '/example space/',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `GET\n/example%20space/\n\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86'),
    authorization: authz(
      'host;x-amz-date',
      '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741',
    ),
  },
  {
    name: 'get-utf8',
    method: 'GET',
    path: '/ሴ',
    headers: [HOST, DATE],
    body: '',
    canonicalRequest: `GET\n/%E1%88%B4\n\n${plain}\n${EMPTY_SHA256}`,
    stringToSign: sts('2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102'),
    authorization: authz(
      'host;x-amz-date',
      '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85',
    ),
  },
];
